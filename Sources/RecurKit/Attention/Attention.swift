/// Attention of queries over a memory, with a pluggable score (Luong et al. 2015; Bahdanau et
/// al. 2015), batch-major:
///
///     e_ti = score(s_t, h_i)        for the kept (unpadded) memory positions i only
///     α_t  = softmax(e_t)           exactly 0 on padded positions (``maskedSoftmax(_:mask:)``)
///     a_t  = Σ_i α_ti h_i
///
/// Shapes: queries s `[B, T, Hq]`, memory h `[B, S, Hm]`, mask `[B, S]` (1 = real position) →
/// context a `[B, T, Hm]` and weights α `[B, T, S]`. The weights are always returned, so they
/// can be drawn or reported.
///
/// The part of the score that depends on the memory alone (h, W h or U h) is ``keys(_:)``:
/// computed once per source and reused at every decoder step.
///
/// Parameters, under the owner's prefix: `weight` (W of `general`, `[Hq, Hm]`), and for
/// `additive` `query.weight` (W `[A, Hq]`), `key.weight` (U `[A, Hm]`) and `v.weight` (`[1, A]`).
/// All are initialised as `nn.Linear` weights, U(±1/√fan_in).
public final class Attention: ParameterOwner {
    public let score: AttentionScore
    /// W of the `general` score.
    public let weight: Linear?
    /// W, U and v of the `additive` score.
    public let queryProjection: Linear?, keyProjection: Linear?, energy: Linear?

    /// `querySize` Hq, `memorySize` Hm (default Hq), `attentionSize` A of `additive` (default Hq).
    public init(score: AttentionScore, querySize: Int, memorySize: Int? = nil, attentionSize: Int? = nil,
                rng: inout RandomGenerator) {
        let memorySize = memorySize ?? querySize, attentionSize = attentionSize ?? querySize
        precondition(score != .dot || memorySize == querySize,
                     "Attention: the dot score needs queries and memory of one width (got \(querySize) and \(memorySize))")
        self.score = score
        weight = score == .general ? Linear(inputSize: memorySize, outputSize: querySize, bias: false, rng: &rng) : nil
        if score == .additive {
            queryProjection = Linear(inputSize: querySize, outputSize: attentionSize, bias: false, rng: &rng)
            keyProjection = Linear(inputSize: memorySize, outputSize: attentionSize, bias: false, rng: &rng)
            energy = Linear(inputSize: attentionSize, outputSize: 1, bias: false, rng: &rng)
        } else {
            (queryProjection, keyProjection, energy) = (nil, nil, nil)
        }
    }

    public var namedParameters: [NamedParameter] {
        (weight?.namedParameters ?? []) + (queryProjection?.namedParameters(prefix: "query") ?? [])
            + (keyProjection?.namedParameters(prefix: "key") ?? []) + (energy?.namedParameters(prefix: "v") ?? [])
    }

    /// What the queries are scored against: h (`dot`), W h (`general`) or U h (`additive`), from
    /// memory `[B, S, Hm]`.
    public func keys(_ memory: Variable) -> Variable {
        switch score {
        case .dot: memory
        case .general: weight!(memory)
        case .additive: keyProjection!(memory)
        }
    }

    /// Scores e `[B, T, S]` of queries `[B, T, Hq]` against ``keys(_:)``.
    public func scores(queries: Variable, keys: Variable) -> Variable {
        guard score == .additive else { return matmul(queries, keys, transposeB: true) }
        let (b, t, s) = (queries.shape[0], queries.shape[1], keys.shape[1])
        return energy!(pairwiseSum(queryProjection!(queries), keys).tanh()).reshaped([b, t, s])
    }

    /// Context `[B, T, Hm]` and weights `[B, T, S]`; `keys` is ``keys(_:)`` of `memory`.
    public func callAsFunction(queries: Variable, keys: Variable, memory: Variable, mask: Tensor)
        -> (context: Variable, weights: Variable) {
        let weights = maskedSoftmax(scores(queries: queries, keys: keys), mask: mask)
        return (matmul(weights, memory), weights)
    }

    /// The same with the keys computed here, for one-off calls.
    public func callAsFunction(queries: Variable, memory: Variable, mask: Tensor) -> (context: Variable, weights: Variable) {
        self(queries: queries, keys: keys(memory), memory: memory, mask: mask)
    }
}
