import Foundation
import RecurKit

/// Reads tagged sentences in the two layouts `--data` accepts (``TaggingOptions/Format``).
///
/// - **CoNLL**: one token per line, columns separated by tabs (or, on a line without a tab, by
///   spaces, as CoNLL-2003 is distributed); column 1 is the token and column `tagColumn` its tag,
///   further columns are ignored. A blank line ends a sentence; `-DOCSTART-` lines are document
///   markers, skipped (they also end a sentence).
/// - **TSV**: one sentence per line, `tokens<TAB>tags`, both space-separated lists of the same
///   length; blank lines are skipped.
///
/// A line that fits neither is refused with the file and line number.
public enum TaggedFile {
    /// The sentences of `url` in file order; `.auto` picks the layout with ``detect(_:)``.
    public static func read(_ url: URL, format: TaggingOptions.Format, tagColumn: Int = 2) throws -> [TaggedSentence] {
        let reader = try LineReader(url)
        let lines = try reader.lines()
        let resolved = format == .auto ? detect(lines) : format
        let sentences = resolved == .tsv ? try readTSV(lines, file: url.path)
            : try readCoNLL(lines, file: url.path, tagColumn: tagColumn)
        guard !sentences.isEmpty else { throw DataFileError(file: url.path, "no tagged sentences (every line is blank or -DOCSTART-)") }
        return sentences
    }

    /// `tsv` when some line's first tab-separated field holds several space-separated tokens.
    static func detect(_ lines: [TextLine]) -> TaggingOptions.Format {
        for line in lines {
            guard let tab = line.text.firstIndex(of: "\t") else { continue }
            if line.text[..<tab].contains(" ") { return .tsv }
        }
        return .conll
    }

    static func columns(_ line: String) -> [Substring] {
        line.contains("\t") ? line.split(separator: "\t", omittingEmptySubsequences: false)
            : line.split(separator: " ", omittingEmptySubsequences: true)
    }

    static func readCoNLL(_ lines: [TextLine], file: String, tagColumn: Int) throws -> [TaggedSentence] {
        var sentences: [TaggedSentence] = []
        var tokens: [String] = [], tags: [String] = [], start = 0
        func close() {
            if !tokens.isEmpty { sentences.append(TaggedSentence(tokens: tokens, tags: tags, place: "\(file):\(start)")) }
            tokens = []
            tags = []
        }
        for line in lines {
            if line.text.allSatisfy(\.isWhitespace) { close(); continue }
            let fields = columns(line.text)
            if fields.first == "-DOCSTART-" { close(); continue }
            let place = "\(file):\(line.number)"
            guard fields.count >= tagColumn else {
                throw DataFileError(file: place, "expected token<TAB>tag with the tag in column \(tagColumn) (--tag-column), found \(fields.count) column\(fields.count == 1 ? "" : "s") in \(preview(line.text)); a blank line separates sentences")
            }
            let token = String(fields[0]), tag = String(fields[tagColumn - 1])
            guard !token.isEmpty else { throw DataFileError(file: place, "empty token in column 1") }
            guard !tag.isEmpty, !tag.contains(" ") else {
                throw DataFileError(file: place, "bad tag \(preview(tag)) in column \(tagColumn): a tag is one non-empty word")
            }
            if tokens.isEmpty { start = line.number }
            tokens.append(token)
            tags.append(tag)
        }
        close()
        return sentences
    }

    static func readTSV(_ lines: [TextLine], file: String) throws -> [TaggedSentence] {
        var sentences: [TaggedSentence] = []
        for line in lines where !line.text.allSatisfy(\.isWhitespace) {
            let place = "\(file):\(line.number)"
            let fields = line.text.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 2 else {
                throw DataFileError(file: place, "expected tokens<TAB>tags, found no tab in \(preview(line.text))")
            }
            let tokens = fields[0].split(separator: " ").map(String.init), tags = fields[1].split(separator: " ").map(String.init)
            guard !tokens.isEmpty else { throw DataFileError(file: place, "no tokens before the tab") }
            guard tokens.count == tags.count else {
                throw DataFileError(file: place, "\(tokens.count) token\(tokens.count == 1 ? "" : "s") but \(tags.count) tag\(tags.count == 1 ? "" : "s"); every token needs exactly one tag")
            }
            sentences.append(TaggedSentence(tokens: tokens, tags: tags, place: place))
        }
        return sentences
    }

    static func preview(_ text: String) -> String {
        let cut = text.unicodeScalars.prefix(40)
        let shown = String(String.UnicodeScalarView(cut)).replacingOccurrences(of: "\t", with: "<TAB>")
        return "\"\(shown)\(cut.count < text.unicodeScalars.count ? "…" : "")\""
    }
}
