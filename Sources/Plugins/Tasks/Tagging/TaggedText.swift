/// One tagged input: each token with its tag and that tag's probability.
public struct TaggedText: Sendable, Equatable {
    public var tokens: [String]
    public var tags: [String]
    /// Softmax probability of each chosen tag, or with the CRF its marginal `p(y_t = tag | x)` on the Viterbi path.
    public var probabilities: [Double]
    /// Tokens never seen in training (read as `<unk>`).
    public var unknown: [String]
}
