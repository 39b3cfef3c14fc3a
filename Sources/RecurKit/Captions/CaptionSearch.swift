import Foundation

/// A generated caption: word ids without `<eos>`, α over the memory at each generated word
/// (empty without attention), and the log-probability of the ids (and of `<eos>` if produced).
public struct GeneratedCaption: Sendable, Equatable {
    public var ids: [Int32]
    public var attention: [[Float]]
    public var logProbability: Double
    public var finished: Bool

    public init(ids: [Int32] = [], attention: [[Float]] = [], logProbability: Double = 0, finished: Bool = false) {
        self.ids = ids
        self.attention = attention
        self.logProbability = logProbability
        self.finished = finished
    }
}

extension CaptionDecoder {
    /// Greedy decoding of every memory of a batch from `<bos>`, at most `maxSteps` words, each
    /// caption stopping at its `<eos>` (not part of the output). Call under `GradMode.withNoGrad`.
    public func greedy(_ memory: Memory, maxSteps: Int) -> [GeneratedCaption] {
        var rng = RandomGenerator(seed: 0)
        var state = initialState(memory)
        let eos = SpecialTokens.sequence.id(.eos)
        var tokens = [Int32](repeating: SpecialTokens.sequence.id(.bos), count: memory.batch)
        var results = [GeneratedCaption](repeating: GeneratedCaption(), count: memory.batch)
        for _ in 0..<maxSteps {
            let (logits, alpha, next) = step(tokens, state: state, memory: memory, training: false, rng: &rng)
            let rows = Self.logProbabilities(logits.value)
            for b in results.indices where !results[b].finished {
                let best = rows[b].indices.max { rows[b][$0] < rows[b][$1] }!
                results[b].logProbability += Double(rows[b][best])
                if let alpha { results[b].attention.append(Self.row(alpha.value, b)) }
                if Int32(best) == eos { results[b].finished = true } else { results[b].ids.append(Int32(best)) }
                tokens[b] = Int32(best)
            }
            state = next
            if results.allSatisfy(\.finished) { break }
        }
        return results
    }

    /// Beam search over one memory (`[1, L, D]`): `width` hypotheses extended in parallel, each
    /// ending at `<eos>`; stops when `width` have ended (or after `maxSteps`) and returns the best
    /// log-probability per word (`<eos>` counted). Width 1 equals ``greedy(_:maxSteps:)``.
    public func beamSearch(_ memory: Memory, width: Int, maxSteps: Int) -> GeneratedCaption {
        precondition(width >= 1 && memory.batch == 1, "beamSearch: width ≥ 1 over one memory")
        var rng = RandomGenerator(seed: 0)
        let eos = SpecialTokens.sequence.id(.eos)
        var live = [GeneratedCaption()], finished: [GeneratedCaption] = []
        var state = initialState(memory)
        func normalised(_ c: GeneratedCaption) -> Double { c.logProbability / Double(max(1, c.ids.count + (c.finished ? 1 : 0))) }
        for _ in 0..<maxSteps {
            let tiled = Self.tile(memory, live.count)
            let tokens = live.map { $0.ids.last ?? SpecialTokens.sequence.id(.bos) }
            let (logits, alpha, next) = step(tokens, state: state, memory: tiled, training: false, rng: &rng)
            let rows = Self.logProbabilities(logits.value)
            var candidates: [(parent: Int, token: Int32, logProbability: Double)] = []
            for (parent, row) in rows.enumerated() {
                for token in row.indices.sorted(by: { row[$0] > row[$1] }).prefix(width) {
                    candidates.append((parent, Int32(token), live[parent].logProbability + Double(row[token])))
                }
            }
            candidates.sort { $0.logProbability > $1.logProbability }
            var survivors: [GeneratedCaption] = [], parents: [Int] = []
            for c in candidates where survivors.count < width {
                var h = live[c.parent]
                h.logProbability = c.logProbability
                if let alpha { h.attention.append(Self.row(alpha.value, c.parent)) }
                if c.token == eos {
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
            state = next.map { layer in layer.map { Self.rows($0, parents) } }
        }
        let pool = finished.isEmpty ? live : finished
        return pool.max { normalised($0) < normalised($1) }!
    }

    /// Log-softmax of `[B, V]` logits, row by row, in Double.
    static func logProbabilities(_ logits: Tensor) -> [[Float]] {
        let v = logits.shape.last!, b = logits.count / v
        return (0..<b).map { r in
            let row = logits.scalars[(r * v)..<((r + 1) * v)]
            let top = row.max()!
            let logTotal = Foundation.log(row.reduce(0.0) { $0 + Foundation.exp(Double($1 - top)) }) + Double(top)
            return row.map { Float(Double($0) - logTotal) }
        }
    }

    static func row(_ t: Tensor, _ b: Int) -> [Float] {
        let width = t.count / t.shape[0]
        return Array(t.scalars[(b * width)..<((b + 1) * width)])
    }

    /// Rows `indices` of axis 0, as constants (decoding needs no gradient).
    static func rows(_ v: Variable, _ indices: [Int]) -> Variable {
        let inner = v.value.count / v.shape[0]
        var out = [Float]()
        out.reserveCapacity(indices.count * inner)
        for i in indices { out.append(contentsOf: v.value.scalars[(i * inner)..<((i + 1) * inner)]) }
        return Variable(Tensor(shape: [indices.count] + Array(v.shape.dropFirst()), scalars: out))
    }

    /// A one-item memory repeated `k` times.
    static func tile(_ m: Memory, _ k: Int) -> Memory {
        let zeros = [Int](repeating: 0, count: k)
        return Memory(vectors: rows(m.vectors, zeros), keys: rows(m.keys, zeros), mean: rows(m.mean, zeros),
                      mask: Tensor(shape: [k, m.count], scalars: Array(repeating: m.mask.scalars, count: k).flatMap { $0 }))
    }
}
