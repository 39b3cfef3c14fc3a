import Foundation
import RecurKit

/// A cell as the arena names it: `lstm`, or `lstm:forget_bias=1` (options separated by `;`).
struct ArenaCell: Hashable {
    let label: String
    let name: String
    let options: [String: String]

    init(parsing text: String) throws {
        label = text
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard let name = parts.first, !name.isEmpty else { throw UserError("--cells: empty cell name in '\(text)'") }
        self.name = name
        options = try parseKeyValues(parts.count > 1 ? parts[1].split(separator: ";").map(String.init) : [], flag: "--cells \(name)")
    }

    /// A directory name for the label: letters, digits, `-`, `_`, `.`, `=` kept, others `_`.
    var directoryName: String {
        String(label.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || "-_.=".unicodeScalars.contains($0) ? Character($0) : "_" })
    }
}

/// One run of the matrix: a cell on a task with a seed.
struct ArenaJob {
    let task: TaskDescriptor
    let cell: ArenaCell
    let seed: UInt64
    let config: RunConfig
    let directory: RunDirectory

    var key: String { "\(task.name)|\(cell.label)|\(seed)" }
}

/// What a finished job reports: the deterministic part goes to results.jsonl; timing stays
/// in the job's own `arena.json`.
struct ArenaResult: Codable {
    var task: String
    var cell: String
    var seed: UInt64
    var hidden: Int
    var stackParameters: Int
    var parameters: Int
    var steps: Int
    var monitor: String
    var goal: String
    var best: Double
    var bestStep: Int
    var final: Double
    var seconds: Double?
    var itemsPerSecond: Double?

    enum CodingKeys: String, CodingKey {
        case task, cell, seed, hidden, steps, monitor, goal, best, final, seconds
        case stackParameters = "stack_parameters", parameters, bestStep = "best_step", itemsPerSecond = "items_per_second"
    }

    var key: String { "\(task)|\(cell)|\(seed)" }

    /// results.jsonl's line: no timing, so that the same matrix gives the same file on any
    /// number of ranks.
    func resultLine() throws -> Data {
        var copy = self
        copy.seconds = nil
        copy.itemsPerSecond = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(copy)
    }
}

/// The recurrent stacks' share of a session's parameters: every parameter whose dotted name has
/// an `rnn` part (`rnn.weight_ih_l0`, `encoder.rnn.…`, `decoder.rnn.…`).
func stackParameterCount(_ session: any TaskSession) -> Int {
    session.parameters.filter { $0.name.split(separator: ".").contains("rnn") }.reduce(0) { $0 + $1.variable.value.count }
}

/// The hidden size whose recurrent stack comes nearest `target` parameters (the smaller on a
/// tie), at most 4,096: the count grows with the hidden size, so doubling from 1 brackets it and
/// bisection closes in. Each count opens a session (its data and initial weights too), so every
/// size is counted once, and no size much above the answer is tried: one at 4,096 initialises
/// tens of millions of weights.
func matchedHiddenSize(target: Int, config: RunConfig, task: TaskDescriptor) throws -> (hidden: Int, count: Int) {
    var counted: [Int: Int] = [:]
    func count(_ hidden: Int) throws -> Int {
        if let known = counted[hidden] { return known }
        var c = config
        c.stack.hiddenSize = hidden
        let n = stackParameterCount(try task.makeSession(c, TaskContext(cells: Registries.cells)))
        counted[hidden] = n
        return n
    }
    let largest = 4096
    var high = 1
    while try count(high) < target {
        if high == largest { return (high, try count(high)) }
        high = min(2 * high, largest)
    }
    if high == 1 { return (1, try count(1)) }
    // count(low) < target ≤ count(high) from here on.
    var low = high / 2
    while high - low > 1 {
        let mid = (low + high) / 2
        if try count(mid) >= target { high = mid } else { low = mid }
    }
    let (a, b) = (try count(low), try count(high))
    return abs(a - target) <= abs(b - target) ? (low, a) : (high, b)
}

/// `100k`, `1.5M`, `20000`.
func parseCount(_ text: String) throws -> Int {
    let scale: Double = text.hasSuffix("k") || text.hasSuffix("K") ? 1e3 : text.hasSuffix("M") || text.hasSuffix("m") ? 1e6 : 1
    let digits = scale == 1 ? text : String(text.dropLast())
    guard let value = Double(digits), value >= 1, value * scale <= 1e10 else {
        throw UserError("--params takes a count such as 100k, 1.5M or 20000 (got '\(text)')")
    }
    return Int((value * scale).rounded())
}
