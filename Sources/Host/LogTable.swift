import RecurKit

/// `recur log`'s two text forms of a run log.
enum LogTable {
    /// RFC 4180 CSV: a header of every field, one row per line, fields holding a comma, a quote or
    /// a line break quoted; numbers in the shortest form that reads back to the logged value.
    static func csv(_ log: RunLog) -> String {
        let keys = log.keys
        func cell(_ text: String) -> String {
            guard text.contains(where: { ",\"\n\r".contains($0) }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var out = keys.map(cell).joined(separator: ",") + "\n"
        for line in log.lines { out += keys.map { cell(line.fields[$0]?.logText ?? "") }.joined(separator: ",") + "\n" }
        return out
    }

    /// Aligned columns for reading: lines logged at the same step (training and evaluation) share
    /// a row, numbers have four significant digits, a missing value is blank.
    static func text(_ log: RunLog) -> String {
        let keys = log.keys
        guard !log.lines.isEmpty else { return "(log.jsonl has no lines)\n" }
        var rows: [[String: JSONValue]] = []
        for line in log.lines {
            // Merge into the previous row when it is the same step and shares no field with it.
            if let last = rows.last, last["step"] == line.fields["step"], Set(last.keys).intersection(line.fields.keys) == ["step"] {
                rows[rows.count - 1].merge(line.fields) { old, _ in old }
            } else {
                rows.append(line.fields)
            }
        }
        func shown(_ value: JSONValue?) -> String {
            guard let value else { return "" }
            if case .double(let number) = value, number != number.rounded() || abs(number) >= 1e15 {
                return abs(number) >= 1e-3 && abs(number) < 1e6 ? String(format: "%.4g", number) : String(format: "%.3e", number)
            }
            return value.logText
        }
        let cells = rows.map { row in keys.map { shown(row[$0]) } }
        let widths = keys.indices.map { column in max(keys[column].count, cells.map { $0[column].count }.max() ?? 0) }
        func pad(_ row: [String]) -> String {
            let line = zip(row, widths).map { String(repeating: " ", count: $1 - $0.count) + $0 }.joined(separator: "  ")
            return String(line.reversed().drop { $0 == " " }.reversed())  // no trailing blanks where a row ends early
        }
        return ([pad(keys)] + cells.map(pad)).joined(separator: "\n") + "\n"
    }
}
