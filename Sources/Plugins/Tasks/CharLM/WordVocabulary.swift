import Foundation
import RecurKit

/// word-lm's text: the tokenisation of PyTorch's `examples/word_language_model` (`data.Corpus`),
/// so both read a file into the same token stream: every line (ending at `\n`; a last line
/// without one counts too) is split at whitespace (Unicode `White_Space`) and followed by
/// `<eos>`, so an empty line is a lone `<eos>`.
public enum WordText {
    /// `<eos>` then `<unk>`: word-lm's special tokens, ids 0 and 1.
    public static let specials = SpecialTokens([.eos, .unknown])

    /// The tokens of `text`, `<eos>` after each line.
    public static func tokens<Text: Collection<Unicode.Scalar>>(_ text: Text) -> [String] {
        var tokens: [String] = []
        var word = String.UnicodeScalarView()
        var lineOpen = false
        for scalar in text {
            if scalar == "\n" || scalar.properties.isWhitespace {
                if !word.isEmpty { tokens.append(String(word)); word = String.UnicodeScalarView() }
                if scalar == "\n" { tokens.append(SpecialToken.eos.rawValue); lineOpen = false }
            } else {
                word.append(scalar)
                lineOpen = true
            }
        }
        if !word.isEmpty { tokens.append(String(word)) }
        if lineOpen { tokens.append(SpecialToken.eos.rawValue) }
        return tokens
    }
}

extension Vocabulary {
    /// `<eos>`, `<unk>`, then the `maxSize − 2` most frequent training words (all when
    /// `maxSize` is 0); equal counts are ranked by code point, and the kept words are stored in
    /// code-point order like every ``Vocabulary``.
    public init(words training: [String], maxSize: Int) {
        var counts: [String: Int] = [:]
        for word in training { counts[word, default: 0] += 1 }
        let reserved = Set(WordText.specials.names)
        let codePointOrder = { (a: String, b: String) in a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value } }
        var ranked = counts.filter { !reserved.contains($0.key) }.sorted { $0.value != $1.value ? $0.value > $1.value : codePointOrder($0.key, $1.key) }
        if maxSize > 0 { ranked = Array(ranked.prefix(maxSize - reserved.count)) }
        self.init(specials: WordText.specials, tokens: WordText.specials.names + ranked.map(\.key).sorted(by: codePointOrder))
    }
}
