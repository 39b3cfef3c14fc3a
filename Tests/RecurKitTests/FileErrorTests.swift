import Foundation
import RecurTestSupport
import XCTest
import RecurKit

/// File failures reach the user as one line naming the path and the cause, never as a
/// Foundation error dump, and reading never follows a link or blocks on a FIFO.
final class FileErrorTests: XCTestCase {
    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "succeeded" } catch { return "\(error)" }
    }

    func testReadingRefusesWhatIsNotARegularFile() throws {
        let root = try BuildProducts.temporaryDirectory("files")
        let file = root.appendingPathComponent("plain"), link = root.appendingPathComponent("link")
        let fifo = root.appendingPathComponent("fifo"), missing = root.appendingPathComponent("missing")
        try Data("hello".utf8).write(to: file)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: file)
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        XCTAssertEqual(try RegularFile.read(file), Data("hello".utf8))
        XCTAssertEqual(message { _ = try RegularFile.read(link) }, "\(link.path): is a symbolic link; only regular files are read here, never through a link")
        XCTAssertEqual(message { _ = try RegularFile.read(fifo) }, "\(fifo.path): is a FIFO, not a regular file")
        XCTAssertEqual(message { _ = try RegularFile.read(root) }, "\(root.path): is a directory, not a file")
        XCTAssertEqual(message { _ = try RegularFile.read(missing) }, "\(missing.path): no such file")
        XCTAssertEqual(message { _ = try RegularFile.read(file, limit: 3) }, "\(file.path): 5 bytes is over the 3-byte limit for this file")
    }

    func testWriteFailuresNameThePathAndTheCause() throws {
        let root = try BuildProducts.temporaryDirectory("files")
        let file = root.appendingPathComponent("plain")
        try Data().write(to: file)
        let inside = file.appendingPathComponent("child.json")
        XCTAssertEqual(message { try AtomicFile.write(Data("x".utf8), to: inside) }, "not a directory writing \(inside.path)")
        let directory = root.appendingPathComponent("folder")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("taken"), withIntermediateDirectories: false)
        let target = directory.appendingPathComponent("taken")
        XCTAssertEqual(message { try AtomicFile.write(Data("x".utf8), to: target) }, "is a directory writing \(target.path)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["taken"], "no temporary file may be left")
        try AtomicFile.write(Data("ok".utf8), to: file)
        XCTAssertEqual(try Data(contentsOf: file), Data("ok".utf8))
    }

    /// A FIFO given as data used to hang the command in Data(contentsOf:).
    func testADataFIFOIsRefusedNotWaitedOn() throws {
        let root = try BuildProducts.temporaryDirectory("files")
        let fifo = root.appendingPathComponent("corpus.txt")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        XCTAssertEqual(message { _ = try TextFile.bytes(fifo) }, "\(fifo.path): is a FIFO, not a regular file")
        let link = root.appendingPathComponent("link.txt"), file = root.appendingPathComponent("real.txt")
        try Data("abc".utf8).write(to: file)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: file)
        XCTAssertEqual(try TextFile.bytes(link), Array("abc".utf8), "a user's data file may be a link")
    }

    func testAByteOrderMarkIsNotText() throws {
        let root = try BuildProducts.temporaryDirectory("files")
        let file = root.appendingPathComponent("bom.tsv")
        try Data([0xEF, 0xBB, 0xBF] + Array("en\thouse\n".utf8)).write(to: file)
        XCTAssertEqual(try TextFile.bytes(file), Array("en\thouse\n".utf8))
        XCTAssertEqual(TextFile.withoutByteOrderMark([0xEF, 0xBB]), [0xEF, 0xBB])
    }
}
