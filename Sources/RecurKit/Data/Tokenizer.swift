import Foundation

/// How a text becomes tokens, and tokens text again.
///
/// ```
/// character(lowercase: false, spaces: .kept)    "Ab c " → A b ␠ c ␠
/// character(lowercase: true, spaces: .marked)   " Ab c" → a b ▁ c
/// word(lowercase: false)                        "It's 3/14!" → It ' s 3 / 14 !
/// whitespace                                    "two  words\tthree" → two words three
/// tutorial                                      "J'ai 19 ans." → j ai ans .
/// ```
public enum Tokenizer: Hashable, Sendable {
    /// How ``character(lowercase:spaces:)`` treats whitespace.
    public enum Spaces: Hashable, Sendable {
        /// Every scalar is a token exactly as written, whitespace included; nothing is trimmed
        /// (Python iterating a `str`).
        case kept
        /// Spaces and tabs at either end are trimmed and every whitespace scalar inside becomes
        /// ``Tokenizer/space`` (`▁`), so a token list joins back into readable text.
        case marked
    }

    /// One token per Unicode scalar, lower-cased (Unicode) when asked.
    case character(lowercase: Bool, spaces: Spaces)
    /// Words with every punctuation or symbol character split off as its own token:
    /// letters, digits and combining marks build words, whitespace separates, anything else is a
    /// one-scalar token. `"It's 5pm!"` → `it ' s 5pm !` when lower-cased.
    case word(lowercase: Bool)
    /// Runs of non-whitespace characters; whitespace only separates. Nothing else changes.
    case whitespace
    /// The PyTorch seq2seq tutorial's `normalizeString` (``TutorialNormalization``): lower-case,
    /// NFD with combining marks dropped, `. ! ?` split off, every run of other characters one space.
    case tutorial

    /// The token that stands for a space in `.character(…, spaces: .marked)` tokens.
    public static let space = "▁"

    public func tokens(_ text: String) -> [String] {
        switch self {
        case .tutorial:
            return TutorialNormalization.tokens(text)
        case .whitespace:
            return text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        case .word(let lowercase):
            var words: [String] = []
            var current = ""
            for scalar in (lowercase ? text.lowercased() : text).unicodeScalars {
                let p = scalar.properties
                if p.isWhitespace {
                    if !current.isEmpty { words.append(current); current = "" }
                } else if p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark
                            || p.generalCategory == .spacingMark {
                    current.unicodeScalars.append(scalar)
                } else {
                    if !current.isEmpty { words.append(current); current = "" }
                    words.append(String(scalar))
                }
            }
            if !current.isEmpty { words.append(current) }
            return words
        case .character(let lowercase, .kept):
            return (lowercase ? text.lowercased() : text).unicodeScalars.map { String($0) }
        case .character(let lowercase, .marked):
            let trimmed = (lowercase ? text.lowercased() : text).trimmingCharacters(in: .whitespaces)
            return trimmed.unicodeScalars.map { $0.properties.isWhitespace ? Tokenizer.space : String($0) }
        }
    }

    /// Tokens back to text: words joined by spaces; characters concatenated (`▁` read as a space).
    public func detokenize(_ tokens: [String]) -> String {
        switch self {
        case .word, .whitespace, .tutorial: return tokens.joined(separator: " ")
        case .character(_, .kept): return tokens.joined()
        case .character(_, .marked): return tokens.map { $0 == Tokenizer.space ? " " : $0 }.joined()
        }
    }
}
