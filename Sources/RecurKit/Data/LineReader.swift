import Foundation

/// One line of a text file, without its line end.
public struct TextLine: Sendable, Equatable {
    /// 1-based line number.
    public let number: Int
    /// Where the line starts in the file's bytes (after decompression), counting a dropped
    /// byte-order mark.
    public let byteOffset: Int
    public let text: String
}

/// The one way data files are read as lines: UTF-8 (compressed files too, through
/// ``TextFile/bytes(_:)``), cut by ``TextRules``, with an invalid byte reported as
/// `FILE: invalid UTF-8 at byte offset N (line L): bytes 0x…`.
///
/// Lines are found on the bytes and decoded one at a time, so a caller that needs only some of
/// them (a sample of a 430,000-line word list) decodes only those.
public struct LineReader: Sendable {
    public let file: String
    public let rules: TextRules
    private let bytes: [UInt8]
    /// Byte range of each line's text (line end excluded).
    private let ranges: [Range<Int>]

    public init(bytes: [UInt8], file: String, rules: TextRules = .text) {
        self.bytes = bytes
        self.file = file
        self.rules = rules
        let start = rules == .text && bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var ranges: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { b in
            var lineStart = start
            for i in start..<b.count where b[i] == 0x0A {
                ranges.append(lineStart..<i)
                lineStart = i + 1
            }
            if lineStart < b.count { ranges.append(lineStart..<b.count) }
            if rules == .text {
                for (n, r) in ranges.enumerated() where !r.isEmpty && b[r.upperBound - 1] == 0x0D {
                    ranges[n] = r.lowerBound..<(r.upperBound - 1)
                }
            }
        }
        self.ranges = ranges
    }

    /// The lines of `url`.
    public init(_ url: URL, rules: TextRules = .text) throws {
        self.init(bytes: try TextFile.bytes(url), file: url.path, rules: rules)
    }

    public var count: Int { ranges.count }

    /// Line `index` (0-based; its ``TextLine/number`` is `index + 1`).
    public func line(_ index: Int) throws -> TextLine {
        let range = ranges[index]
        guard let text = String(validating: bytes[range], as: UTF8.self) else {
            // Every earlier line decoded, so the file's first invalid byte is on this line.
            _ = try TextFile.decodeUTF8(bytes, file: file)
            preconditionFailure("LineReader: line \(index + 1) of \(file) failed to decode but the file is valid UTF-8")
        }
        return TextLine(number: index + 1, byteOffset: range.lowerBound, text: text)
    }

    /// Every line, in order.
    public func lines() throws -> [TextLine] { try (0..<count).map(line) }
}
