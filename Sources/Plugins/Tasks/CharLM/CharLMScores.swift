import Foundation
import RecurKit

/// One step of generation as the RNN lecture tabulates it: the input token, the top layer's
/// hidden state, and the output scores and probabilities over the vocabulary.
public struct ScoreStep: Sendable, Equatable {
    /// The token read, and its id.
    public var input: String
    public var inputID: Int32
    /// h_t of the top layer, `[H]`.
    public var hidden: [Float]
    /// Output scores (logits), one per vocabulary entry, in vocabulary order.
    public var scores: [Float]
    /// softmax(scores / temperature).
    public var probabilities: [Float]
    /// The token that follows (and its id): the prime's next one while reading the prime, then the sample.
    public var next: String
    public var nextID: Int32
    /// Whether `next` was sampled (rather than read from the prime).
    public var sampled: Bool
}

extension LanguageModelSession {
    /// Reads `prime` one token at a time, then samples `length` more, recording every step.
    public func scoreSteps(prime: String, length: Int, temperature: Float, topK: Int?,
                           rng: inout RandomGenerator) throws -> [ScoreStep] {
        let ids = try primeIDs(prime)
        var steps: [ScoreStep] = []
        var state: [[Variable]]? = nil
        var position = 0, generated = 0
        var current = ids[0]
        while true {
            let (logits, next) = GradMode.withNoGrad {
                model([current], steps: 1, batch: 1, state: state, training: false, rng: &rng)
            }
            state = next
            let scores = logits.value.scalars
            let scaled = scores.map { Double($0) / Double(temperature) }
            let top = scaled.max()!
            let weights = scaled.map { exp($0 - top) }
            let total = weights.reduce(0, +)
            let following: Int32, sampled: Bool
            if position + 1 < ids.count {
                following = ids[position + 1]
                sampled = false
            } else {
                guard generated < length else { break }
                following = Int32(try sampleIndex(scores, temperature: temperature, topK: topK, rng: &rng))
                sampled = true
                generated += 1
            }
            steps.append(ScoreStep(input: vocabulary.token(current), inputID: current, hidden: state!.last![0].value.scalars,
                                   scores: scores, probabilities: weights.map { Float($0 / total) }, next: vocabulary.token(following),
                                   nextID: following, sampled: sampled))
            position += 1
            current = following
        }
        return steps
    }

    /// The lecture's table: one row per step; every score when the vocabulary is small (≤ 8),
    /// else the five most likely; the hidden state when it is small (≤ 8 units).
    public func scoreTable(_ steps: [ScoreStep]) -> String {
        func shown(_ character: String) -> String {
            switch character {
            case "\n": "\\n"
            case "\t": "\\t"
            case " ": "␣"
            default: character
            }
        }
        let all = vocabulary.count <= 8
        var lines: [String] = []
        let header = all ? vocabulary.tokens.map { shown($0).padding(toLength: 7, withPad: " ", startingAt: 0) }.joined()
                         : "five most likely (token score p)"
        lines.append("step  input  " + (steps.first.map { $0.hidden.count <= 8 } == true ? "hidden".padding(toLength: 8 * steps[0].hidden.count + 2, withPad: " ", startingAt: 0) : "")
                     + "scores: " + header + "  next")
        for (t, step) in steps.enumerated() {
            var row = String(t + 1).padding(toLength: 6, withPad: " ", startingAt: 0) + shown(step.input).padding(toLength: 7, withPad: " ", startingAt: 0)
            if step.hidden.count <= 8 {
                row += "[" + step.hidden.map { String(format: "%6.2f", $0) }.joined(separator: " ") + "]  "
            }
            if all {
                row += "        " + step.scores.map { String(format: "%6.2f ", $0) }.joined()
            } else {
                let order = step.probabilities.indices.sorted { step.probabilities[$0] > step.probabilities[$1] }.prefix(5)
                row += "        " + order.map { String(format: "%@ %.2f %.2f", shown(vocabulary.tokens[$0]), step.scores[$0], step.probabilities[$0]) }
                    .joined(separator: "  ")
            }
            row += "  → " + shown(step.next) + (step.sampled ? "" : " (prime)")
            lines.append(row)
        }
        if all {
            lines.append("probabilities of the last step: " + zip(vocabulary.tokens, steps.last?.probabilities ?? [])
                .map { String(format: "%@ %.3f", shown($0), $1) }.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }
}

extension CharLMSession: SignalInspecting {
    public func signalInput(text: String) throws -> (stack: RecurrentStack, input: Variable, tokens: [String]) {
        let ids = try vocabulary.ids(ofCharacters: Array(text.unicodeScalars), source: "--text")
        guard !ids.isEmpty else { throw TaskError("--text is empty") }
        return (model.rnn, model.inputs(ids, steps: ids.count, batch: 1), ids.map(vocabulary.token))
    }
}
