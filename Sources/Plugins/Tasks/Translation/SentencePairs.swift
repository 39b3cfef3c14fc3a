import Foundation
import RecurKit

/// One `source<TAB>target` line of a data file, with where it came from (for error messages).
public struct SentencePair: Equatable, Sendable {
    public var source: String
    public var target: String
    public var line: Int

    public init(source: String, target: String, line: Int) {
        self.source = source
        self.target = target
        self.line = line
    }
}

/// Reads tab-separated sentence pairs: `source<TAB>target[<TAB>anything]` per line (ManyThings
/// files carry an attribution in a third column), lines as ``LineReader`` cuts them. Blank
/// lines are skipped; a line without a tab or with an empty side is an error naming the file
/// and line.
public enum SentencePairs {
    public static func parse(_ lines: LineReader) throws -> [SentencePair] {
        var pairs: [SentencePair] = []
        let file = lines.file
        for index in 0..<lines.count {
            let line = try lines.line(index), number = line.number
            if line.text.allSatisfy(\.isWhitespace) { continue }
            let fields = line.text.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 2 else {
                throw DataFileError(file: file, "line \(number) has no tab; each line must be `source<TAB>target`: \(preview(line.text))")
            }
            let source = fields[0].trimmingCharacters(in: .whitespaces), target = fields[1].trimmingCharacters(in: .whitespaces)
            guard !source.isEmpty else { throw DataFileError(file: file, "line \(number): the source side (before the tab) is empty") }
            guard !target.isEmpty else { throw DataFileError(file: file, "line \(number): the target side (after the tab) is empty") }
            pairs.append(SentencePair(source: source, target: target, line: number))
        }
        guard !pairs.isEmpty else { throw DataFileError(file: file, "has no sentence pairs (expected lines `source<TAB>target`)") }
        return pairs
    }

    /// The pairs of a TSV file, or of member `member` of an archive such as `fra-eng.zip`.
    public static func load(_ url: URL, member: String?) throws -> [SentencePair] {
        if url.pathExtension.lowercased() == "zip" || member != nil {
            let chosen = try member ?? defaultMember(of: url)
            return try parse(LineReader(bytes: try TextFile.archiveMember(url, named: chosen), file: "\(url.path)/\(chosen)"))
        }
        return try parse(LineReader(url))
    }

    /// The archive's only `.txt` member other than ManyThings' `_about.txt`.
    static func defaultMember(of url: URL) throws -> String {
        let candidates = try TextFile.archiveMemberNames(url).filter { $0.hasSuffix(".txt") && !$0.hasPrefix("_") }
        guard candidates.count == 1 else {
            throw DataFileError(file: url.path, "name the member to read with --member (text members: \(candidates.joined(separator: ", ")))")
        }
        return candidates[0]
    }

    private static func preview(_ line: String) -> String {
        let cut = line.prefix(60)
        return "\"\(cut)\(cut.count < line.count ? "…" : "")\""
    }
}
