import Foundation
import RecurKit

/// The default data: restore capitalisation and punctuation, a task of speech-recognition
/// post-processing, made from real text — the Jargon File (Debian `jargon-text`).
///
/// Paragraphs are runs of non-blank lines; a paragraph whose first character is `:` (an entry's
/// headword line with its pronunciation) or that does not end in `.`, `?` or `!` (contents,
/// headings) is skipped. Each whitespace-separated word becomes a lower-cased token of its letters
/// and digits (everything else dropped; a word with neither is skipped) tagged
/// `<case>_<punctuation>`:
///
/// - case: `upper` when it has two or more letters, all capitals (`IBM`); `cap` when its first
///   letter is a capital (`Godwin's`, `I`); `lower` otherwise (also words without letters);
/// - punctuation: the last of `, . ? ! : ;` among the characters after its last letter or digit
///   (`tty},` → `comma`, `one.”` → `period`), else `none`.
///
/// A sentence ends after a word tagged `.`, `?` or `!` when the next word is not lower-case (so
/// `usu.` inside a sentence does not end it) or the paragraph ends. Sentences longer than
/// `maxLength` words are skipped. The first `limit` sentences in file order are used.
public enum PunctuationCorpus {
    public static let path = "/usr/share/doc/jargon-text/jargon.txt.gz"
    public static let description = "the Jargon File (\(path)), case and punctuation tags"

    /// The punctuation tags, in the order of the name suffixes.
    static let marks: [(scalar: Unicode.Scalar, name: String)] = [
        (",", "comma"), (".", "period"), ("?", "question"), ("!", "exclamation"), (":", "colon"), (";", "semicolon"),
    ]

    /// The first `limit` sentences of the installed Jargon File (at most `maxLength` words each).
    public static func sentences(limit: Int, maxLength: Int) throws -> [TaggedSentence] {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: path) else {
            throw DataFileError(file: path, "the default data is missing; install it with `make deps` (Debian package jargon-text) or pass --data FILE")
        }
        return try sentences(LineReader(url).lines(), file: path, limit: limit, maxLength: maxLength)
    }

    /// The sentences of `lines` (the rules above), at most `limit`.
    public static func sentences(_ lines: [TextLine], file: String, limit: Int, maxLength: Int) -> [TaggedSentence] {
        var result: [TaggedSentence] = []
        var paragraph: [String] = [], start = 0
        func flush() {
            defer { paragraph = [] }
            guard let first = paragraph.first?.unicodeScalars.first, first != ":" else { return }
            let text = paragraph.joined(separator: " ")
            guard let last = text.unicodeScalars.last(where: { !closers.contains($0) }), ".?!".unicodeScalars.contains(last) else { return }
            for sentence in split(words(text)) where sentence.count <= maxLength && result.count < limit {
                result.append(TaggedSentence(tokens: sentence.map(\.token), tags: sentence.map(\.tag), place: "\(file):\(start)"))
            }
        }
        for line in lines {
            if result.count >= limit { break }
            let trimmed = line.text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { flush(); continue }
            if paragraph.isEmpty { start = line.number }
            paragraph.append(trimmed)
        }
        flush()
        return result
    }

    /// Closing quotes and brackets, looked through to find a paragraph's last punctuation.
    static let closers: Set<Unicode.Scalar> = ["”", "’", "\"", "'", ")", "]", "}", "»"]

    /// A word of the corpus: its token and tag, and whether it ends a sentence when followed by a
    /// capital.
    struct Word {
        var token: String
        var tag: String
        var casing: String
        var endsSentence: Bool
    }

    /// Each whitespace-separated word as token and tag (the rules of the type's documentation).
    static func words(_ text: String) -> [Word] {
        var words: [Word] = []
        for chunk in text.split(whereSeparator: \.isWhitespace) {
            let scalars = Array(chunk.unicodeScalars)
            guard let lastCore = scalars.lastIndex(where: isCore) else { continue }
            var token = String.UnicodeScalarView()
            for s in scalars where isCore(s) { token.append(s) }
            let letters = scalars.filter { $0.properties.isAlphabetic }
            let casing: String
            if letters.count >= 2 && letters.allSatisfy({ $0.properties.isUppercase }) {
                casing = "upper"
            } else if letters.first?.properties.isUppercase == true {
                casing = "cap"
            } else {
                casing = "lower"
            }
            let tail = scalars[(lastCore + 1)...]
            let mark = tail.last { s in marks.contains { $0.scalar == s } }
            let name = mark.flatMap { s in marks.first { $0.scalar == s }?.name } ?? "none"
            words.append(Word(token: String(token).lowercased(), tag: "\(casing)_\(name)", casing: casing,
                              endsSentence: mark == "." || mark == "?" || mark == "!"))
        }
        return words
    }

    static func isCore(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || s.properties.numericType != nil }

    /// Cuts a paragraph's words into sentences.
    static func split(_ words: [Word]) -> [[(token: String, tag: String)]] {
        var sentences: [[(token: String, tag: String)]] = []
        var current: [(token: String, tag: String)] = []
        for (i, word) in words.enumerated() {
            current.append((word.token, word.tag))
            let nextIsLower = i + 1 < words.count && words[i + 1].casing == "lower"
            if word.endsSentence && !nextIsLower {
                sentences.append(current)
                current = []
            }
        }
        if !current.isEmpty { sentences.append(current) }
        return sentences
    }
}

extension PunctuationCorpus {
    /// A text as the corpus's tokens: lower-cased words of letters and digits.
    public static func normalise(_ text: String) -> [String] { words(text).map(\.token) }

    /// The text `tokens` spell when each is cased and punctuated as its `<case>_<punctuation>` tag
    /// says; `nil` when some tag is not of that form.
    public static func restore(tokens: [String], tags: [String]) -> String? {
        var words: [String] = []
        for (token, tag) in zip(tokens, tags) {
            let parts = tag.split(separator: "_", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return nil }
            var word: String
            switch parts[0] {
            case "lower": word = token
            case "cap": word = token.prefix(1).uppercased() + token.dropFirst()
            case "upper": word = token.uppercased()
            default: return nil
            }
            if parts[1] != "none" {
                guard let mark = marks.first(where: { $0.name == parts[1] }) else { return nil }
                word.unicodeScalars.append(mark.scalar)
            }
            words.append(word)
        }
        return words.joined(separator: " ")
    }
}
