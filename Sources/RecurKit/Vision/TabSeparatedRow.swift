import Foundation

/// One non-blank line of a user's TSV file cut at its tabs, with its place (`file:line`) for
/// messages. Fields are trimmed of surrounding spaces; blank lines are skipped.
struct TabSeparatedRow {
    var place: String
    var fields: [String]

    /// The rows of `url`, each with a column count in `columns`; `layout` (`image<TAB>caption`)
    /// is what a wrong line is told it should look like.
    static func read(_ url: URL, columns: ClosedRange<Int>, layout: String) throws -> [TabSeparatedRow] {
        var rows: [TabSeparatedRow] = []
        for line in try LineReader(url).lines() where !line.text.allSatisfy(\.isWhitespace) {
            let place = "\(url.path):\(line.number)"
            let fields = line.text.split(separator: "\t", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard columns.contains(fields.count) else {
                let expected = columns.count == 1 ? "\(columns.lowerBound)" : "\(columns.lowerBound) to \(columns.upperBound)"
                throw DataFileError(file: place, "\(fields.count) tab-separated column\(fields.count == 1 ? "" : "s") where \(expected) are expected: \(layout)")
            }
            rows.append(TabSeparatedRow(place: place, fields: fields))
        }
        guard !rows.isEmpty else { throw DataFileError(file: url.path, "has no lines; expected \(layout) per line") }
        return rows
    }
}
