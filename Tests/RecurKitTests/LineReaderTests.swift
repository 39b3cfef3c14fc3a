import Foundation
import RecurKit
import XCTest

/// The line reader's rules (TextRules): BOM, `\r\n`, lone `\r`, the final newline, and invalid
/// UTF-8 reported with file, line and byte offset.
final class LineReaderTests: XCTestCase {
    func texts(_ bytes: [UInt8], _ rules: TextRules = .text) throws -> [String] {
        try LineReader(bytes: bytes, file: "f.txt", rules: rules).lines().map(\.text)
    }

    func testCRLFIsALineEndAndALoneCRIsText() throws {
        XCTAssertEqual(try texts(Array("a\r\nb\rc\nd\r".utf8)), ["a", "b\rc", "d"])
        XCTAssertEqual(try texts(Array("a\r\r\n".utf8)), ["a\r"], "only the \\r right before the line end goes")
    }

    func testExactKeepsEveryCarriageReturnAndTheByteOrderMark() throws {
        XCTAssertEqual(try texts([0xEF, 0xBB, 0xBF] + Array("a\r\nb\r".utf8), .exact), ["\u{FEFF}a\r", "b\r"])
    }

    func testALeadingByteOrderMarkIsDroppedAndCountedInOffsets() throws {
        let lines = try LineReader(bytes: [0xEF, 0xBB, 0xBF] + Array("ab\ncd".utf8), file: "f.txt").lines()
        XCTAssertEqual(lines.map(\.text), ["ab", "cd"])
        XCTAssertEqual(lines.map(\.number), [1, 2])
        XCTAssertEqual(lines.map(\.byteOffset), [3, 6])
        XCTAssertEqual(try texts(Array("a\u{FEFF}b".utf8)), ["a\u{FEFF}b"], "only a leading mark is dropped")
    }

    func testAFinalNewlineEndsTheLastLineAndBlankLinesInsideStay() throws {
        XCTAssertEqual(try texts(Array("a\nb\n".utf8)), ["a", "b"])
        XCTAssertEqual(try texts(Array("a\nb".utf8)), ["a", "b"])
        XCTAssertEqual(try texts(Array("a\n\n\nb\n\n".utf8)), ["a", "", "", "b", ""])
        XCTAssertEqual(try texts([]), [])
        XCTAssertEqual(try texts(Array("\n".utf8)), [""])
    }

    func testInvalidUTF8NamesFileLineAndByteOffset() {
        let bytes = Array("ok\nstill ok\nbad ".utf8) + [0xC3, 0x28] + Array(" here\n".utf8)
        XCTAssertThrowsError(try texts(bytes)) { error in
            XCTAssertEqual("\(error)", "f.txt: invalid UTF-8 at byte offset 16 (line 3): bytes 0xC3")
        }
        let reader = LineReader(bytes: bytes, file: "f.txt")
        XCTAssertEqual(try reader.line(1).text, "still ok", "lines before the bad one still read")
    }

    func testReadsAFileAndTheWholeTextFollowsTheSameRules() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recur-lines-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data([0xEF, 0xBB, 0xBF] + Array("é\r\nb\rc\r".utf8)).write(to: url)
        XCTAssertEqual(try LineReader(url).lines().map(\.text), ["é", "b\rc"])
        XCTAssertEqual(String(String.UnicodeScalarView(try TextFile.scalars(url))), "é\nb\rc")
        XCTAssertEqual(String(String.UnicodeScalarView(try TextFile.scalars(url, rules: .exact))), "é\r\nb\rc\r", "the byte-order mark is not text, even read exactly")
    }
}
