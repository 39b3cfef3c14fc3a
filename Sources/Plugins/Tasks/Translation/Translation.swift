import RecurKit

/// One sentence translated, with the attention weights that produced it.
public struct Translation: Sendable, Equatable {
    /// The source as the model read it, `<unk>` where a token was unknown, ending in `<eos>`.
    public var sourceTokens: [String]
    /// The output tokens, without the final `<eos>`.
    public var targetTokens: [String]
    /// `targetTokens` joined for reading.
    public var text: String
    /// α: one row per decoder step (each target token, then `<eos>` when it was produced), one
    /// column per entry of `sourceTokens`; each row sums to 1. Empty for a model without attention.
    public var attention: [[Float]]
    /// Source tokens the vocabulary lacks (read as `<unk>`).
    public var unknownTokens: [String]
    /// Log-probability of the output under the model (beam search ranks by it, length-normalised).
    public var logProbability: Double

    public init(sourceTokens: [String], targetTokens: [String], text: String, attention: [[Float]],
                unknownTokens: [String], logProbability: Double) {
        self.sourceTokens = sourceTokens
        self.targetTokens = targetTokens
        self.text = text
        self.attention = attention
        self.unknownTokens = unknownTokens
        self.logProbability = logProbability
    }
}
