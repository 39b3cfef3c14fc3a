import Foundation
import XCTest
@testable import RecurKit

/// The bytes of TensorBoard event files. The expected messages are what TensorBoard's own
/// protobuf classes serialize (tensorboard 2.21, `event_pb2.Event(...).SerializeToString()`),
/// and the masked CRC what its `masked_crc32c` gives.
final class TensorBoardEventTests: XCTestCase {
    func testCRC32CMatchesTheStandardCheckValueAndTensorBoardsMask() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum([UInt8]()), 0)
        XCTAssertEqual(CRC32C.masked(Array("123456789".utf8)), 0xC78A_B0E5)
    }

    func testEventsEncodeAsTensorBoardsProtobufDoes() {
        let version = TensorBoardEvent(wallTime: 1_700_000_000.5, step: 0, content: .fileVersion("brain.Event:2"))
        XCTAssertEqual(hex(version.encoded), "0900002040fc54d9411a0d627261696e2e4576656e743a32")
        let scalars = TensorBoardEvent(wallTime: 1_700_000_000.5, step: 42, content: .scalars([("loss", 2.5), ("val_loss", 0.125)]))
        XCTAssertEqual(hex(scalars.encoded), "0900002040fc54d941102a2a1e0a0b0a046c6f737315000020400a0f0a0876616c5f6c6f7373150000003e")
        // Steps past 127 take several varint bytes.
        XCTAssertEqual(TensorBoardEvent.varint(300), [0xAC, 0x02])
    }

    func testRecordFramingCarriesLengthAndBothChecksums() {
        let data: [UInt8] = Array("abc".utf8)
        let framed = TFRecord.frame(data)
        XCTAssertEqual(framed.count, 8 + 4 + 3 + 4)
        XCTAssertEqual(Array(framed[0..<8]), [3, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(Array(framed[8..<12]), TFRecord.littleEndian(CRC32C.masked(framed[0..<8])))
        XCTAssertEqual(Array(framed[12..<15]), data)
        XCTAssertEqual(Array(framed[15...]), TFRecord.littleEndian(CRC32C.masked(data)))
    }

    func testTheWriterStartsWithTheVersionAndWritesOneEventPerLoggedLine() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("recur-tb-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let events = scratch.appendingPathComponent("events/run")
        var run = RunDirectory(scratch)
        let writer = try TensorBoardWriter(directory: events, clock: { 1_700_000_000.5 })
        run.logListeners = [writer]
        try run.appendLog(["step": 42, "loss": 2.5, "val_loss": 0.125, "flag": true])
        try run.appendLog(["step": 43])  // nothing to show: no event
        let file = try XCTUnwrap(writer.file)
        XCTAssertTrue(file.lastPathComponent.hasPrefix("events.out.tfevents.1700000000."), file.lastPathComponent)
        let expected = TFRecord.frame(TensorBoardEvent(wallTime: 1_700_000_000.5, step: 0, content: .fileVersion("brain.Event:2")).encoded)
            + TFRecord.frame(TensorBoardEvent(wallTime: 1_700_000_000.5, step: 42, content: .scalars([("loss", 2.5), ("val_loss", 0.125)])).encoded)
        XCTAssertEqual(Array(try Data(contentsOf: file)), expected)
        XCTAssertEqual(try RunLog(Data(contentsOf: run.logURL), source: "log").lines.count, 2, "the log itself is written as before")

        let idle = try TensorBoardWriter(directory: events, clock: { 1_700_000_000.5 })
        XCTAssertNil(idle.file, "no event file before the first event (a resume that fails to start leaves none)")
        let second = try TensorBoardWriter(directory: events, clock: { 1_700_000_000.5 })
        try second.logged(["step": 44, "loss": 2])
        XCTAssertNotNil(second.file)
        XCTAssertNotEqual(second.file, file, "a second writer (a resume) starts its own file")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: events.path).count, 2)
    }

    func testAnUnwritableDirectoryIsOneClearError() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("recur-tb-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let file = scratch.appendingPathComponent("taken")
        try Data("x".utf8).write(to: file)
        XCTAssertThrowsError(try TensorBoardWriter(directory: file)) {
            XCTAssertEqual("\($0)", "--tensorboard \(file.path): cannot create the directory (something else is in the way)")
        }
    }

    func testListenersGetEveryNumericTypeTheTrainerMightLogButNotFlagsOrText() {
        let numbers = logNumbers(["step": 7, "lr": Float(0.5), "tokens": Int32(3), "small": UInt8(2), "loss": 1.25,
                                  "stopped": true, "note": "x"])
        XCTAssertEqual(numbers, ["step": 7, "lr": 0.5, "tokens": 3, "small": 2, "loss": 1.25])
    }

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
