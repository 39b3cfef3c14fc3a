import Foundation

/// The validation metric that decides the best checkpoint, `plateau` reductions and early
/// stopping, and whether lower or higher is better. Each task names its own
/// (``TaskDescriptor/monitor``); `--monitor` overrides it.
public struct Monitor: Codable, Sendable, Equatable, CustomStringConvertible {
    public enum Goal: String, Codable, Sendable { case min, max }

    public var metric: String
    public var goal: Goal

    public init(_ metric: String, _ goal: Goal) {
        self.metric = metric
        self.goal = goal
    }

    /// `val_bleu`, `val_bleu:max` or `my_score:min`. Without a goal, names that say what they
    /// measure get theirs (`loss`, `bpc`, `perplexity`, `mse`, `error` lower; `accuracy`,
    /// `exact_match`, `f1`, `bleu`, `precision`, `recall` higher); any other needs one.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, let name = parts.first, !name.isEmpty else {
            throw RunError("--monitor takes METRIC or METRIC:min|max (got '\(text)')")
        }
        if parts.count == 2 {
            guard let goal = Goal(rawValue: parts[1]) else {
                throw RunError("--monitor \(text): the goal must be min or max (got '\(parts[1])')")
            }
            self.init(name, goal)
        } else if let goal = Monitor.goal(of: name) {
            self.init(name, goal)
        } else {
            throw RunError("--monitor \(text): cannot tell whether higher or lower is better; write \(name):min or \(name):max")
        }
    }

    static func goal(of name: String) -> Goal? {
        let lower = ["loss", "bpc", "perplexity", "ppl", "mse", "error"]
        let words = name.lowercased()
        if lower.contains(where: { words.hasSuffix($0) }) { return .min }
        // The fractions (accuracy, exact match, F1, precision, recall) and BLEU.
        if MetricText.isFraction(words) || words.hasSuffix("bleu") { return .max }
        return nil
    }

    /// Whether `value` beats `best` (strictly: an equal value is no improvement).
    public func improves(_ value: Double, on best: Double?) -> Bool {
        guard let best else { return true }
        return goal == .min ? value < best : value > best
    }

    public var description: String { "\(metric) (\(goal == .min ? "lower" : "higher") is better)" }
}

/// What training has seen of the monitored metric: its best value and step, and the
/// evaluations since (for early stopping). Saved in the checkpoint.
public struct MonitorState: Codable, Sendable, Equatable {
    public var best: Double?
    public var bestStep: Int?
    public var evaluationsSinceBest = 0
    /// Set when early stopping ended the run; a resumed run says so instead of training on.
    public var stoppedEarly = false
    public init() {}
}
