import Foundation

/// `log.jsonl` read back: the numeric fields of every line, in order. Training lines carry
/// `loss`; evaluation lines carry `val_loss` (and the task's other `val_…` metrics).
public struct RunLog: Sendable {
    public let entries: [[String: Double]]

    /// Parses JSON lines; blank lines are skipped, and a line that is not a JSON object (a log
    /// cut short by a crash) is an error naming its line number.
    public init(_ data: Data, source: String) throws {
        var entries: [[String: Double]] = []
        for (number, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw RunError("\(source): line \(number + 1) is not a JSON object")
            }
            entries.append(object.compactMapValues { ($0 as? NSNumber)?.doubleValue })
        }
        self.entries = entries
    }

    /// `(step, value)` of every line that has `key` — `series("loss")` is the training curve.
    public func series(_ key: String) -> [(x: Double, y: Double)] {
        entries.compactMap { entry in
            guard let step = entry["step"], let value = entry[key] else { return nil }
            return (step, value)
        }
    }

    /// The last evaluation: every field of the last line with `val_loss`.
    public var finalEvaluation: [String: Double]? { entries.last { $0["val_loss"] != nil } }

    /// Metric names that appear in evaluation lines (`val_loss`, `val_bpc`, …), sorted.
    public var evaluationKeys: [String] {
        Set(entries.filter { $0["val_loss"] != nil }.flatMap(\.keys)).subtracting(["step"]).sorted()
    }
}
