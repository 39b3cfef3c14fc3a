/// How a text becomes tokens (`--tokens`).
public enum Tokenization: String, Sendable, CaseIterable {
    /// One token per Unicode scalar, exactly as Python iterates a `str` (no folding, spaces kept).
    case char
    /// Runs of non-whitespace; whitespace only separates.
    case word

    public func tokens(_ text: String) -> [String] {
        switch self {
        case .char: return text.unicodeScalars.map { String($0) }
        case .word: return text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        }
    }
}
