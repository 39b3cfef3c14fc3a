import Foundation

/// How a sentence becomes tokens (`--tokens`, `--lowercase`, `--normalize`).
public enum Tokenizer: Equatable, Sendable {
    /// Whitespace-separated words with every punctuation or symbol character split off as its
    /// own token: `"It's 5pm!"` → `it ' s 5pm !` (lower-cased when asked).
    case word(lowercase: Bool)
    /// One token per Unicode scalar; spaces are tokens too (written `▁` so they survive joining).
    case character(lowercase: Bool)
    /// The PyTorch seq2seq tutorial's `normalizeString` (RECIPES Task 2): lower-case, NFD with
    /// combining marks dropped, `. ! ?` split off, every run of other characters one space.
    case tutorial

    /// The character that stands for a space in character tokens.
    public static let space = "▁"

    public func tokens(_ text: String) -> [String] {
        switch self {
        case .tutorial:
            return TutorialNormalization.tokens(text)
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
        case .character(let lowercase):
            let trimmed = (lowercase ? text.lowercased() : text).trimmingCharacters(in: .whitespaces)
            return trimmed.unicodeScalars.map { $0.properties.isWhitespace ? Tokenizer.space : String($0) }
        }
    }

    /// Tokens back to text: words joined by spaces; characters concatenated.
    public func detokenize(_ tokens: [String]) -> String {
        switch self {
        case .word, .tutorial: return tokens.joined(separator: " ")
        case .character: return tokens.map { $0 == Tokenizer.space ? " " : $0 }.joined()
        }
    }
}

/// The normalisation of the PyTorch tutorial "NLP from scratch: translation with a sequence to
/// sequence network and attention", with the period kept:
///
/// 1. `s.lower().strip()`;  2. NFD, drop category Mn (é → e, ç → c);
/// 3. `re.sub(r"([.!?])", r" \1 ", s)`;  4. `re.sub(r"[^a-zA-Z.!?]+", " ", s)`;  5. strip, split.
///
/// Steps 3–5 amount to one scan: ASCII letters build words, `. ! ?` are tokens, anything else
/// ends the current word. So digits vanish and `sœur` becomes `s ur` (œ has no decomposition).
public enum TutorialNormalization {
    public static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var word = ""
        for scalar in text.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            switch scalar {
            case "a"..."z", "A"..."Z":
                word.unicodeScalars.append(scalar)
            case ".", "!", "?":
                if !word.isEmpty { tokens.append(word); word = "" }
                tokens.append(String(scalar))
            default:
                if !word.isEmpty { tokens.append(word); word = "" }
            }
        }
        if !word.isEmpty { tokens.append(word) }
        return tokens
    }
}
