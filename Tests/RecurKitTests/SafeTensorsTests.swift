import Foundation
import XCTest
import RecurKit

final class SafeTensorsTests: XCTestCase {
    func testRoundTripWithMetadata() throws {
        let tensors = ["a.weight": Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), "b": Tensor(shape: [1], scalars: [-0.5])]
        let data = try SafeTensors.encode(tensors, metadata: ["format": "pt"])
        let (back, metadata) = try SafeTensors.decode(data, source: "mem")
        XCTAssertEqual(back, tensors)
        XCTAssertEqual(metadata, ["format": "pt"])
        let headerLength = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        XCTAssertEqual(headerLength % 8, 0)
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + Int(headerLength)))) as! [String: Any]
        XCTAssertEqual((header["a.weight"] as! [String: Any])["dtype"] as? String, "F32")
        XCTAssertEqual((header["b"] as! [String: Any])["data_offsets"] as? [Int], [24, 28])
    }

    func testMalformedFilesAreRefusedWithTheReason() throws {
        func message(_ data: Data) -> String {
            do { _ = try SafeTensors.decode(data, source: "w.safetensors"); return "accepted" } catch { return "\(error)" }
        }
        XCTAssertTrue(message(Data([1, 2])).contains("shorter than the 8-byte header length"))
        var huge = Data(count: 16)
        huge.replaceSubrange(0..<8, with: withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { Data($0) })
        XCTAssertTrue(message(huge).contains("exceeds the file"))
        let good = try SafeTensors.encode(["w": Tensor(shape: [4], scalars: [1, 2, 3, 4])])
        XCTAssertTrue(message(good.dropLast(4)).contains("outside the"), message(good.dropLast(4)))
        let f16 = String(decoding: good, as: UTF8.self).replacingOccurrences(of: "F32", with: "F16")
        XCTAssertTrue(message(Data(f16.utf8)).contains("dtype F16"))
    }

    /// A shape whose element count overflows Int used to trap in `reduce(1, *)`.
    func testAShapeWhoseElementCountOverflowsIsRefused() {
        for shape in ["[4294967296,4294967296]", "[4611686018427387904,2]", "[2305843009213693952]"] {
            let header = #"{"w":{"dtype":"F32","shape":SHAPE,"data_offsets":[0,0]}}"#.replacingOccurrences(of: "SHAPE", with: shape)
            var data = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Data($0) }
            data.append(Data(header.utf8))
            do { _ = try SafeTensors.decode(data, source: "w.safetensors"); XCTFail("accepted \(shape)") } catch {
                XCTAssertEqual("\(error)", "w.safetensors: not a valid safetensors file: tensor 'w' has shape \(shape.replacingOccurrences(of: ",", with: ", ")), whose element count overflows")
            }
        }
        XCTAssertNil(SafeTensors.elementCount([1 << 32, 1 << 32]))
        XCTAssertEqual(SafeTensors.elementCount([]), 1)
        XCTAssertEqual(SafeTensors.elementCount([3, 0, 5]), 0)
    }
}
