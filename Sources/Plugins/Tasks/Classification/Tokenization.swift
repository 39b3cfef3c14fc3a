import RecurKit

/// How a text becomes tokens (`--tokens`): a choice between two of RecurKit's ``Tokenizer``s.
public enum Tokenization: String, Sendable, CaseIterable {
    /// One token per Unicode scalar, exactly as Python iterates a `str` (no folding, spaces kept).
    case char
    /// Runs of non-whitespace; whitespace only separates.
    case word

    public var tokenizer: Tokenizer {
        switch self {
        case .char: .character(lowercase: false, spaces: .kept)
        case .word: .whitespace
        }
    }
}
