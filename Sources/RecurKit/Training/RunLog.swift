import Foundation

/// `log.jsonl` read back. Training lines carry `loss`, `lr`, `grad_norm`, a throughput; evaluation
/// lines carry `val_loss` and the task's other `val_…` metrics; every line has `step`. Readers
/// (reports, `recur log`, TensorBoard export) take whatever fields appear, so a metric added to
/// the trainer or a task later shows up without changes here.
///
/// The file may come from another machine (a bundle) or be cut short by a crash, so every line is
/// checked and a bad one is an error naming the file and the line, never a trap.
public struct RunLog: Sendable {
    /// One line of the file.
    public struct Line: Sendable {
        /// 1-based line number in the file (blank lines count), for messages.
        public let number: Int
        /// Every field of the line.
        public let fields: [String: JSONValue]
        /// The numeric fields (booleans and text left out): what plots and exports use.
        public let numbers: [String: Double]
    }

    public let lines: [Line]
    /// The largest log a reader loads (about two million lines): a bigger file is refused with
    /// a message, not read into memory.
    public static let sizeLimit = 512 << 20
    /// Where the text came from, as messages name it.
    public let source: String

    /// Numeric fields of every line, in file order.
    public var entries: [[String: Double]] { lines.map(\.numbers) }

    /// Parses JSON lines; blank lines are skipped. A line that is not a JSON object (a log cut
    /// short by a crash), or whose `step` is missing or not a whole number ≥ 0, is an error
    /// naming `source` and the line number.
    public init(_ data: Data, source: String) throws {
        self.source = source
        var lines: [Line] = []
        let decoder = JSONDecoder()
        for (index, raw) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            if raw.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            // JSONDecoder, not JSONSerialization: on Linux only the former reads every number back
            // to the exact double that was written.
            guard let fields = try? decoder.decode([String: JSONValue].self, from: Data(raw)) else {
                throw RunError("\(source): line \(number) is not a JSON object")
            }
            guard let step = fields["step"]?.number else {
                throw RunError("\(source): line \(number) has no numeric \"step\" (every line of a run log has one)")
            }
            guard step >= 0, step == step.rounded(), step <= 9_007_199_254_740_992 else {
                throw RunError("\(source): line \(number) has \"step\" \(fields["step"]!.logText); a step is a whole number ≥ 0")
            }
            lines.append(Line(number: number, fields: fields, numbers: fields.compactMapValues(\.number)))
        }
        self.lines = lines
    }

    /// `(step, value)` of every line that has `key` — `series("loss")` is the training curve.
    public func series(_ key: String) -> [(x: Double, y: Double)] {
        lines.compactMap { line in
            guard let step = line.numbers["step"], let value = line.numbers[key] else { return nil }
            return (step, value)
        }
    }

    /// The last evaluation: every field of the last line with `val_loss`.
    public var finalEvaluation: [String: Double]? { entries.last { $0["val_loss"] != nil } }

    /// Metric names that appear in evaluation lines (`val_loss`, `val_bpc`, …), sorted.
    public var evaluationKeys: [String] {
        Set(entries.filter { $0["val_loss"] != nil }.flatMap(\.keys)).subtracting(["step"]).sorted()
    }

    /// Every field name in the file, in reading order: `step`, `loss`, the other training fields,
    /// then `val_loss` and the other validation fields (each group alphabetical).
    public var keys: [String] { Self.ordered(Set(lines.flatMap(\.fields.keys))) }

    /// Names with a numeric value on some line, except `step`, in the order of ``keys``.
    public var numericKeys: [String] {
        Self.ordered(Set(lines.flatMap(\.numbers.keys)).subtracting(["step"]))
    }

    /// `step` first, `loss` before the other training fields, validation fields last.
    public static func ordered(_ names: Set<String>) -> [String] {
        func rank(_ name: String) -> Int {
            switch name {
            case "step": 0
            case "loss": 1
            case "val_loss": 3
            default: name.hasPrefix("val_") ? 4 : 2
            }
        }
        return names.sorted { (rank($0), $0) < (rank($1), $1) }
    }
}

extension JSONValue {
    /// The value when it is a number.
    public var number: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// The value as a reader of a log sees it: numbers in the shortest form that reads back to
    /// the same value, `true`/`false`, text as it is, arrays and objects as compact JSON.
    public var logText: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .double(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
        case .string(let value): value
        case .array, .object:
            (try? JSONEncoder.sortedKeys.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }
}

extension JSONEncoder {
    /// Compact JSON with sorted keys, as log.jsonl is written.
    public static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
