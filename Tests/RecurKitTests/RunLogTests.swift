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

final class RunLogValidationTests: XCTestCase {
    func testNumbersReadBackExactlyAndOtherFieldsAreKeptButNotPlotted() throws {
        let text = """
        {"step":5,"loss":3.5957783699035644,"lr":0.0020000000949949026,"note":"warm-up","clipped":true}
        \t
        {"step":5,"val_loss":3.5,"val_accuracy":12}
        """
        let log = try RunLog(Data(text.utf8), source: "log.jsonl")
        XCTAssertEqual(log.lines.map(\.number), [1, 3], "blank lines are skipped but still counted")
        XCTAssertEqual(log.series("loss").first?.y, 3.5957783699035644)
        XCTAssertEqual(log.lines[0].fields["lr"]?.logText, "0.0020000000949949026", "the shortest text that reads back to the logged double")
        XCTAssertEqual(log.lines[0].fields["note"], .string("warm-up"))
        XCTAssertNil(log.lines[0].numbers["clipped"], "a boolean is no curve")
        XCTAssertEqual(log.keys, ["step", "loss", "clipped", "lr", "note", "val_loss", "val_accuracy"])
        XCTAssertEqual(log.numericKeys, ["loss", "lr", "val_loss", "val_accuracy"])
    }

    func testABadLineIsAnErrorNamingFileAndLine() {
        let cases: [(String, String)] = [
            ("{\"step\":1,\"loss\":2}\n[1,2]\n", "run/log.jsonl: line 2 is not a JSON object"),
            ("{\"loss\":2}\n", "run/log.jsonl: line 1 has no numeric \"step\" (every line of a run log has one)"),
            ("{\"step\":\"10\",\"loss\":2}\n", "run/log.jsonl: line 1 has no numeric \"step\" (every line of a run log has one)"),
            ("\n\n{\"step\":2.5,\"loss\":2}\n", "run/log.jsonl: line 3 has \"step\" 2.5; a step is a whole number ≥ 0"),
            ("{\"step\":-1}\n", "run/log.jsonl: line 1 has \"step\" -1; a step is a whole number ≥ 0"),
            ("{\"step\":1e300}\n", "run/log.jsonl: line 1 has \"step\" 1e+300; a step is a whole number ≥ 0"),
            ("{\"step\":1,\"loss\":\u{FF}}\n", "run/log.jsonl: line 1 is not a JSON object"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try RunLog(Data(text.utf8), source: "run/log.jsonl"), text) { XCTAssertEqual("\($0)", message) }
        }
        XCTAssertThrowsError(try RunLog(Data([0x7B, 0xFF, 0xFE, 0x7D]), source: "x")) { XCTAssertEqual("\($0)", "x: line 1 is not a JSON object") }
    }
}
