import RecurKit

/// How the per-step outputs of the stack become one vector per sequence (`--pool`).
///
/// Every mode sees only each sequence's real steps: padding never reaches the state (the mask
/// freezes it) and never reaches the pooled vector.
public enum Pooling: String, Sendable, CaseIterable {
    /// The state after each sequence's own last token; bidirectional: `[h_fwd(last) ; h_bwd(first)]`,
    /// the backward half being its state after reading back to the first token (PyTorch's `h_n`).
    case last
    /// `(1/n_b) Σ_{t<n_b} h_t`.
    case mean
    /// Element-wise `max_{t<n_b} h_t`; the gradient goes to the arg-max step.
    case max
    /// `e_t = h_t·q` with a learned query q, `α = softmax(e)` over the real steps, `Σ_t α_t h_t`
    /// (RecurKit's ``Attention``, `dot` score).
    case attention
}

/// A pooled batch: features `[B, F]`, and for attention pooling its weights `[B, T]` (zero on padding).
public struct PooledBatch {
    public let features: Variable
    public let attention: Tensor?
}

extension Pooling {
    /// Pools outputs `[T, B, F]`. `finalStates` are the stack's (layer·D + direction order) and
    /// `directions` its D; only `.last` uses them. `query` `[F]` is attention's.
    func pool(outputs: Variable, finalStates: [[Variable]], directions: Int, batch: TokenBatch,
              query: Variable?) -> PooledBatch {
        switch self {
        case .last:
            // State component 0 is h (h_n in PyTorch's order); the last layer's D states come last.
            let top = finalStates.suffix(directions).map { $0[0] }
            return PooledBatch(features: top.count == 1 ? top[0] : concat(top), attention: nil)
        case .mean:
            // Outputs are zero on padded steps, so the plain sum is the sum over real steps.
            let inverse = Tensor(shape: [batch.batch, 1], scalars: batch.lengths.map { 1 / Float($0) })
            return PooledBatch(features: outputs.sum(axis: 0) * Variable(inverse), attention: nil)
        case .max:
            return PooledBatch(features: maxOverSteps(outputs, lengths: batch.lengths), attention: nil)
        case .attention:
            return attend(outputs, query: query!, batch: batch)
        }
    }
}

/// Element-wise maximum over each sequence's first `lengths[b]` steps: `[T, B, F]` → `[B, F]`.
func maxOverSteps(_ h: Variable, lengths: [Int]) -> Variable {
    let steps = h.shape[0], batch = h.shape[1], width = h.shape[2]
    precondition(lengths.count == batch && lengths.allSatisfy { $0 >= 1 && $0 <= steps }, "maxOverSteps: lengths \(lengths) for \(h.shape)")
    var winner = [Int](repeating: 0, count: batch * width)
    let x = h.value
    let out = Tensor.make([batch, width]) { o in
        x.withPointer { src in
            for b in 0..<batch {
                for f in 0..<width { o[b * width + f] = src[b * width + f]; winner[b * width + f] = b * width + f }
                for t in 1..<lengths[b] {
                    let row = src + (t * batch + b) * width
                    for f in 0..<width where row[f] > o[b * width + f] {
                        o[b * width + f] = row[f]
                        winner[b * width + f] = (t * batch + b) * width + f
                    }
                }
            }
        }
    }
    return Variable.result(out, [h], "max-over-steps") { g in
        g.withPointer { pg in h.accumulateGrad { gh in for i in 0..<winner.count { gh[winner[i]] += pg[i] } } }
    }
}

/// Attention with one learned query q `[F]` over each sequence's real steps: RecurKit's
/// ``Attention`` with the `dot` score, the query shared by every sequence.
func attend(_ h: Variable, query: Variable, batch: TokenBatch) -> PooledBatch {
    let (steps, b, width) = (h.shape[0], h.shape[1], h.shape[2])
    let memory = h.permuted([1, 0, 2])
    let queries = Variable(Tensor(zeros: [b, 1, width])) + query.reshaped([1, 1, width])
    let mask = Variable(batch.mask).transposed().value
    var unused = RandomGenerator(seed: 0)   // the dot score has no parameters to draw
    let (context, weights) = Attention(score: .dot, querySize: width, rng: &unused)(queries: queries, memory: memory, mask: mask)
    return PooledBatch(features: context.reshaped([b, width]), attention: weights.value.reshaped([b, steps]))
}
