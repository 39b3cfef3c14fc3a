import Foundation
import RecurKit

/// One decoded sentence: output ids without `<eos>`, α rows (one per decoder step, over the
/// sentence's own source positions) and the log-probability of the ids (and `<eos>` if produced).
public struct Hypothesis: Sendable {
    public var ids: [Int32]
    public var attention: [[Float]]
    public var logProbability: Double
    public var finished: Bool
}

extension TranslationModel {
    /// Greedy decoding of a batch of sources from `<bos>`, at most `maxSteps` steps, each
    /// sentence stopping at its `<eos>` (which is not part of the output). One source with
    /// `resident` (and a decoder with a gated fused kernel) steps the decoder's recurrence on
    /// a ``ResidentStack`` and the output layer on a packed matrix; a batch keeps one product
    /// for all rows.
    public func greedy(_ sources: [[Int32]], maxSteps: Int, resident: Bool = true) -> [Hypothesis] {
        let stack = resident && sources.count == 1 ? ResidentDecoder(self) : nil
        let batch = PairBatch(sources: sources, targets: sources.map { _ in [] })
        var rng = RandomGenerator(seed: 0)
        let encoded = encode(batch.source, mask: batch.sourceMask, training: false, rng: &rng)
        var state = encoded.state
        var tokens = [Int32](repeating: SpecialTokens.sequence.id(.bos), count: sources.count)
        var results = sources.map { _ in Hypothesis(ids: [], attention: [], logProbability: 0, finished: false) }
        for _ in 0..<maxSteps {
            let (logits, weights, next) = step(tokens, state: state, source: encoded, resident: stack, rng: &rng)
            let rows = logProbabilityRows(logits.value)
            let choices = logits.value.argmax(axis: -1)
            for b in results.indices where !results[b].finished {
                let best = choices[b]
                results[b].logProbability += Double(rows[b][best])
                if let weights { results[b].attention.append(attentionRow(weights.value, batch: b, step: 0, length: batch.sourceLengths[b])) }
                if Int32(best) == SpecialTokens.sequence.id(.eos) { results[b].finished = true } else { results[b].ids.append(Int32(best)) }
                tokens[b] = Int32(best)
            }
            state = next
            if results.allSatisfy(\.finished) { break }
        }
        return results
    }

    /// Beam search for one source: `width` hypotheses are extended in parallel; a hypothesis ends
    /// at `<eos>`; the search stops when `width` have ended (or after `maxSteps`) and returns the
    /// one with the best log-probability per output token (length normalisation, `<eos>`
    /// counted). Width 1 is greedy decoding. With `resident` (and a decoder with a gated fused
    /// kernel) the decoder's recurrence and output layer run resident, one hypothesis at a time.
    public func beamSearch(_ source: [Int32], width: Int, maxSteps: Int, resident: Bool = true) -> Hypothesis {
        precondition(width >= 1, "beamSearch: width must be at least 1")
        let stack = resident ? ResidentDecoder(self) : nil
        let single = PairBatch(sources: [source], targets: [[]])
        var rng = RandomGenerator(seed: 0)
        let encoded = encode(single.source, mask: single.sourceMask, training: false, rng: &rng)
        let length = single.sourceLengths[0]
        var live = [Hypothesis(ids: [], attention: [], logProbability: 0, finished: false)]
        var state = encoded.state
        var finished: [Hypothesis] = []
        func normalised(_ h: Hypothesis) -> Double { h.logProbability / Double(h.ids.count + (h.finished ? 1 : 0)) }
        for _ in 0..<maxSteps {
            let k = live.count
            let tiled = TranslationModel.Encoded(memory: rows(encoded.memory, Array(repeating: 0, count: k)),
                                                 keys: rows(encoded.keys, Array(repeating: 0, count: k)),
                                                 mask: Tensor(shape: [k, length], scalars: Array(repeating: encoded.mask.scalars, count: k).flatMap { $0 }),
                                                 state: [])
            let tokens = live.map { $0.ids.last ?? SpecialTokens.sequence.id(.bos) }
            let (logits, weights, next) = step(tokens, state: state, source: tiled, resident: stack, rng: &rng)
            let scores = logProbabilityRows(logits.value)
            var candidates: [(parent: Int, token: Int32, logProbability: Double)] = []
            for (parent, row) in scores.enumerated() {
                for token in Self.topIndices(row, count: width) { candidates.append((parent, Int32(token), live[parent].logProbability + Double(row[token]))) }
            }
            candidates.sort { $0.logProbability > $1.logProbability }
            var survivors: [Hypothesis] = [], parents: [Int] = []
            for c in candidates where survivors.count < width {
                var h = live[c.parent]
                h.logProbability = c.logProbability
                if let weights { h.attention.append(attentionRow(weights.value, batch: c.parent, step: 0, length: length)) }
                if c.token == SpecialTokens.sequence.id(.eos) {
                    h.finished = true
                    finished.append(h)
                } else {
                    h.ids.append(c.token)
                    survivors.append(h)
                    parents.append(c.parent)
                }
            }
            if finished.count >= width || survivors.isEmpty { break }
            live = survivors
            state = next.map { cell in cell.map { rows($0, parents) } }
        }
        let pool = finished.isEmpty ? live : finished
        return pool.max { normalised($0) < normalised($1) }!
    }

    private func step(_ tokens: [Int32], state: [[Variable]], source: Encoded, resident: ResidentDecoder?,
                      rng: inout RandomGenerator) -> (logits: Variable, weights: Variable?, state: [[Variable]]) {
        if let resident { return residentDecodeStep(tokens, state: state, source: source, resident: resident, rng: &rng) }
        return decode(tokens, steps: 1, mask: nil, state: state, source: source, training: false, rng: &rng)
    }

    /// The indices of the `count` largest values, largest first, ties to the lower index: what
    /// a stable descending sort's prefix gives, by insertion into a list of `count` (a full
    /// sort of each 4,209-word row took 45% of a width-4 beam search).
    static func topIndices(_ row: [Float], count: Int) -> [Int] {
        var top: [Int] = []
        top.reserveCapacity(count + 1)
        for i in row.indices {
            let x = row[i]
            if top.count == count, let last = top.last, !(x > row[last]) { continue }
            // After every index whose value is ≥ x: equal values keep their order.
            var at = top.count
            while at > 0 && !(row[top[at - 1]] >= x) { at -= 1 }
            top.insert(i, at: at)
            if top.count > count { top.removeLast() }
        }
        return top
    }

    /// Log-softmax of `[B, 1, V]` logits, row by row, in Double.
    private func logProbabilityRows(_ logits: Tensor) -> [[Float]] {
        let v = logits.shape.last!, b = logits.count / v
        return (0..<b).map { r in
            let row = logits.scalars[(r * v)..<((r + 1) * v)]
            let top = row.max()!
            let logTotal = Foundation.log(row.reduce(0.0) { $0 + Foundation.exp(Double($1 - top)) }) + Double(top)
            return row.map { Float(Double($0) - logTotal) }
        }
    }

    private func attentionRow(_ weights: Tensor, batch b: Int, step t: Int, length: Int) -> [Float] {
        let (steps, s) = (weights.shape[1], weights.shape[2])
        let start = (b * steps + t) * s
        return Array(weights.scalars[start..<(start + length)])
    }

    /// Rows `indices` of axis 0 (a constant: decoding needs no gradient).
    private func rows(_ v: Variable, _ indices: [Int]) -> Variable {
        let inner = v.value.count / v.shape[0]
        var out = [Float]()
        out.reserveCapacity(indices.count * inner)
        for i in indices { out.append(contentsOf: v.value.scalars[(i * inner)..<((i + 1) * inner)]) }
        return Variable(Tensor(shape: [indices.count] + Array(v.shape.dropFirst()), scalars: out))
    }
}
