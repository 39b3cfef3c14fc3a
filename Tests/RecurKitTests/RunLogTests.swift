import Foundation
import XCTest
@testable import RecurKit

final class RunLogTests: XCTestCase {
    func testSeriesAndFinalEvaluation() throws {
        let text = """
        {"step":10,"loss":2.5,"lr":0.002}
        {"step":20,"loss":2.0,"lr":0.002}
        {"step":20,"val_loss":2.2,"val_bpc":3.1}

        {"step":30,"loss":1.5,"lr":0.002}
        {"step":30,"val_loss":1.9,"val_bpc":2.7}

        """
        let log = try RunLog(Data(text.utf8), source: "log.jsonl")
        XCTAssertEqual(log.series("loss").map(\.y), [2.5, 2.0, 1.5])
        XCTAssertEqual(log.series("val_loss").map(\.x), [20, 30])
        XCTAssertEqual(log.finalEvaluation?["val_bpc"], 2.7)
        XCTAssertEqual(log.evaluationKeys, ["val_bpc", "val_loss"])
    }

    func testATornLineIsNamed() {
        XCTAssertThrowsError(try RunLog(Data("{\"step\":1,\"loss\":2}\n{\"step\":2,\"lo".utf8), source: "run/log.jsonl")) {
            XCTAssertEqual("\($0)", "run/log.jsonl: line 2 is not a JSON object")
        }
    }
}
