/// How ``Attention`` scores a query s against a memory position h.
public enum AttentionScore: String, CaseIterable, Codable, Sendable {
    /// Luong dot: `e = s · h` (needs `[H]` queries and memory alike); no parameters.
    case dot
    /// Luong general: `e = s · W h`, W `[Hq, Hm]`, no bias.
    case general
    /// Bahdanau additive: `e = vᵀ tanh(W s + U h)`, W `[A, Hq]`, U `[A, Hm]`, v `[A]`, no biases.
    case additive
}
