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
/// files carry an attribution in a third column). Empty lines are skipped; a line without a tab
/// or with an empty side is an error naming the file and line.
public enum SentencePairs {
    public static func parse(_ text: String, file: String) throws -> [SentencePair] {
        var pairs: [SentencePair] = []
        var number = 0
        // "\r\n" is one Character in Swift, so Windows line ends must be named to split on.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 2 else {
                throw DataFileError(file: file, "line \(number) has no tab; each line must be `source<TAB>target`: \(preview(line))")
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
        let bytes: [UInt8]
        let name: String
        if url.pathExtension.lowercased() == "zip" || member != nil {
            let chosen = try member ?? defaultMember(of: url)
            bytes = try TextFile.archiveMember(url, named: chosen)
            name = "\(url.path)/\(chosen)"
        } else {
            bytes = try TextFile.bytes(url)
            name = url.path
        }
        let scalars = try TextFile.decodeUTF8(bytes, file: name)
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        return try parse(text, file: name)
    }

    /// The archive's only `.txt` member other than ManyThings' `_about.txt`.
    static func defaultMember(of url: URL) throws -> String {
        let candidates = try TextFile.archiveMemberNames(url).filter { $0.hasSuffix(".txt") && !$0.hasPrefix("_") }
        guard candidates.count == 1 else {
            throw DataFileError(file: url.path, "name the member to read with --member (text members: \(candidates.joined(separator: ", ")))")
        }
        return candidates[0]
    }

    private static func preview(_ line: Substring) -> String {
        let cut = line.prefix(60)
        return "\"\(cut)\(cut.count < line.count ? "…" : "")\""
    }
}
