/// How a caption, question or answer from a user's file becomes what the tasks compare: lower-case
/// words separated by single spaces.
///
/// The text is lower-cased and cut at whitespace, and punctuation at either end of a word is
/// **dropped** (not kept as a token of its own): `"A red circle, left of the square."` becomes
/// `"a red circle left of the square"`. Dropping it makes `circle.` and `circle` one word and keeps
/// BLEU about the words, as the generated shapes-world captions have no punctuation at all.
/// Punctuation inside a word stays (`left-most`, `it's`, `3.5`).
public enum CaptionText {
    public static func normalized(_ text: String) -> String {
        text.lowercased()
            .split(whereSeparator: \.isWhitespace)
            .compactMap { word -> Substring? in
                guard let first = word.firstIndex(where: { !$0.isPunctuation }),
                      let last = word.lastIndex(where: { !$0.isPunctuation }) else { return nil }
                return word[first...last]
            }
            .joined(separator: " ")
    }
}
