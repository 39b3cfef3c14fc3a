import Foundation
import RecurTestSupport
import RecurKit
@testable import TaggingTask
import XCTest

/// `--unk-rate`: words seen once in training read as `<unk>` in training batches at that rate,
/// and a step's batch reads the same words every time it is built (so resume and ranks agree).
final class UnknownWordTests: XCTestCase {
    func testSingletonsBecomeUnknownAtTheGivenRate() throws {
        let s = try Scratch()
        // "zed…" words occur once each; every other word many times.
        let lines = (0..<40).map { "we met zed\($0)\tO O B-PER" }
        let data = try s.write("d.tsv", lines.joined(separator: "\n"))
        let unk = Int32(1)
        let always = try makeSession(try tinyConfig(data: data, options: ["unk-rate": "1"]))
        let never = try makeSession(try tinyConfig(data: data, options: ["unk-rate": "0"]))
        let half = try makeSession(try tinyConfig(data: data, options: ["unk-rate": "0.5"]))
        var replaced = 0, singletons = 0
        for step in 0..<4 {
            let a = try always.globalBatch(step: step), n = try never.globalBatch(step: step), h = try half.globalBatch(step: step)
            XCTAssertTrue(a.allSatisfy { $0.ids[2] == unk && $0.ids[0] != unk && $0.ids[1] != unk })
            XCTAssertTrue(n.allSatisfy { !$0.ids.contains(unk) })
            replaced += h.filter { $0.ids[2] == unk }.count
            singletons += h.count
            XCTAssertEqual(try half.globalBatch(step: step).map(\.ids), h.map(\.ids), "the same draw every time")
        }
        XCTAssertTrue(replaced > singletons / 5 && replaced < singletons * 4 / 5, "\(replaced) of \(singletons)")
        XCTAssertThrowsMessage(try tinyConfig(data: data, options: ["unk-rate": "1.5"]), ["unk-rate", "[0, 1]"])
    }
}
