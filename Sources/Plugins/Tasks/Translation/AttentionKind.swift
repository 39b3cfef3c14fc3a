import RecurKit

/// How the decoder looks at the encoder outputs (`--attention`): one of RecurKit's
/// ``AttentionScore``s over the encoder outputs, or none.
public enum AttentionKind: String, CaseIterable, Codable, Sendable {
    /// Luong dot: e_ti = s_t · h_i.
    case dot
    /// Luong general: e_ti = s_t · W h_i, with W `[H, H]` (no bias).
    case general
    /// Bahdanau additive: e_ti = vᵀ tanh(W s_t + U h_i), with W, U `[H, H]` and v `[H]`.
    case additive
    /// None: the decoder sees the source only through its initial state (the seq2seq bottleneck).
    case none

    /// The score, or `nil` for no attention.
    public var score: AttentionScore? { AttentionScore(rawValue: rawValue) }
}
