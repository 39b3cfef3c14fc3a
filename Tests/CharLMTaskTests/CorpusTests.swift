import Foundation
import XCTest
import CharLMTask
import RecurKit
import RecurTestSupport

final class CorpusTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("recur-corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func testVocabularyIsSortedDistinctScalars() {
        let v = Vocabulary(corpus: Array("hello, wörld\n".unicodeScalars))
        XCTAssertEqual(v.tokens, ["\n", " ", ",", "d", "e", "h", "l", "o", "r", "w", "ö"])
        XCTAssertEqual(v.id("ö"), 10)
    }

    func testInvalidUTF8NamesFileByteOffsetAndLine() throws {
        let file = directory.appendingPathComponent("bad.txt")
        try Data([0x61, 0x62, 0x0A, 0x63, 0xC3, 0x28, 0x64]).write(to: file)
        XCTAssertThrowsError(try TextFile.scalars(file)) { error in
            XCTAssertEqual("\(error)", "\(file.path): invalid UTF-8 at byte offset 4 (line 2): bytes 0xC3")
        }
    }

    func testMissingAndEmptyFiles() throws {
        let missing = directory.appendingPathComponent("nope.txt")
        XCTAssertThrowsError(try TextFile.scalars(missing)) { XCTAssertEqual("\($0)", "\(missing.path): no such file") }
        let empty = directory.appendingPathComponent("empty.txt")
        try Data().write(to: empty)
        XCTAssertThrowsError(try TextFile.scalars(empty)) { XCTAssertEqual("\($0)", "\(empty.path): the file is empty") }
    }

    func testGzipCorpusIsDecompressed() throws {
        let plain = directory.appendingPathComponent("c.txt")
        try "the quick brown fox\n".write(to: plain, atomically: true, encoding: .utf8)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-k", plain.path]
        try gzip.run()
        gzip.waitUntilExit()
        XCTAssertEqual(String(String.UnicodeScalarView(try TextFile.scalars(plain.appendingPathExtension("gz")))), "the quick brown fox\n")
    }

    func testUnknownCharacterIsNamedWithItsPlace() {
        let v = Vocabulary(corpus: Array("abc\n".unicodeScalars))
        XCTAssertThrowsError(try v.ids(ofCharacters: Array("ab\ncz".unicodeScalars), source: "probe.txt")) {
            XCTAssertEqual("\($0)", "probe.txt: character 'z' (U+007A) at line 2, column 2 is not in the model's vocabulary of 4 characters")
        }
    }

    /// The char-lm recipe's (docs/recipes.md) figures for tinyshakespeare (needs ../shared/data).
    func testTinyShakespeareSplitMatchesTheRecipe() throws {
        guard let url = SharedData.file("tinyshakespeare/input.txt") else {
            throw XCTSkip("../shared/data/tinyshakespeare/input.txt is not present beside the checkout")
        }
        let text = try TextFile.scalars(url)
        XCTAssertEqual(text.count, 1_115_394)
        let v = Vocabulary(corpus: text)
        XCTAssertEqual(v.count, 65)
        XCTAssertEqual(v.tokens[0], "\n")
        XCTAssertEqual(v.tokens[1], " ")
        let train = Array(try v.ids(ofCharacters: text, source: "input.txt")[..<(text.count * 9 / 10)])
        XCTAssertEqual(train.count, 1_003_854)
        let stream = try XCTUnwrap(CharStream(ids: train, batch: 32, steps: 100))
        XCTAssertEqual(stream.rowLength, 31_370)
        XCTAssertEqual(stream.batchesPerEpoch, 313)
    }
}
