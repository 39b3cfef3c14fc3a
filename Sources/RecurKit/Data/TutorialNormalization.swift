import Foundation

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
