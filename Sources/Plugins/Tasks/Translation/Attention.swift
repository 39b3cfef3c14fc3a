import Foundation
import RecurKit

/// How the decoder looks at the encoder outputs (`--attention`).
public enum AttentionKind: String, CaseIterable, Codable, Sendable {
    /// Luong dot: e_ti = s_t · h_i.
    case dot
    /// Luong general: e_ti = s_t · W h_i, with W `[H, H]` (no bias).
    case general
    /// None: the decoder sees the source only through its initial state (the seq2seq bottleneck).
    case none
}

/// Attention over the encoder outputs h_i (DESIGN §1, Luong et al. 2015), batch-major:
///
///     e_ti = score(s_t, h_i)   for the valid (unpadded) source positions i only
///     α_t  = softmax(e_t)      (padded positions get exactly 0)
///     a_t  = Σ_i α_ti h_i
///
/// Shapes: queries s `[B, T, H]`, memory h `[B, S, H]`, mask `[B, S]` → context a `[B, T, H]`
/// and weights α `[B, T, S]`. The weights are always returned so they can be drawn.
public final class Attention: ParameterOwner {
    public let kind: AttentionKind
    /// W of the general score.
    public let weight: Linear?

    public init(kind: AttentionKind, hiddenSize: Int, rng: inout RandomGenerator) {
        self.kind = kind
        weight = kind == .general ? Linear(inputSize: hiddenSize, outputSize: hiddenSize, bias: false, rng: &rng) : nil
    }

    public var namedParameters: [NamedParameter] { weight?.namedParameters ?? [] }

    /// The keys the queries are scored against: h itself, or W h (computed once per sentence).
    public func keys(_ memory: Variable) -> Variable { weight.map { $0(memory) } ?? memory }

    public func callAsFunction(queries: Variable, keys: Variable, memory: Variable, mask: Tensor)
        -> (context: Variable, weights: Variable) {
        let scores = matmul(queries, keys, transposeB: true)
        let weights = maskedSoftmax(scores, mask: mask)
        return (matmul(weights, memory), weights)
    }
}
