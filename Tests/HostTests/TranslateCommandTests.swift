import Foundation
import XCTest

/// `recur translate`: a front end over `recur predict` for translation runs, with `--json`
/// (attention weights included) and attention maps.
final class TranslateCommandTests: HostTestCase {
    func testJSONCarriesTheAttentionWeightsAndTheMapIsDrawn() throws {
        let run = path("dates")
        let trained = try recur(["run", "translation", "--pairs", "200", "--hidden", "8", "--embedding", "4", "--batch", "8",
                                 "--steps", "4", "--eval-every", "4", "--run-dir", run])
        XCTAssertEqual(trained.status, 0, "\(trained)")

        let result = try recur(["translate", run, "March 3rd, 1999", "--json"])
        XCTAssertEqual(result.status, 0, "\(result)")
        let object = try jsonObject(result.stdout)
        XCTAssertEqual(object["input"] as? String, "March 3rd, 1999")
        let source = try XCTUnwrap(object["source_tokens"] as? [String], result.stdout)
        let attention = try XCTUnwrap(object["attention"] as? [[Double]], result.stdout)
        XCTAssertFalse(attention.isEmpty)
        for row in attention {
            XCTAssertEqual(row.count, source.count)
            XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-4, "each row of α sums to 1")
        }
        XCTAssertNotNil(object["translation"] as? String)

        let map = work.appendingPathComponent("att.svg")
        let drawn = try recur(["translate", run, "March 3rd, 1999", "--attention-map", map.path])
        XCTAssertEqual(drawn.status, 0, "\(drawn)")
        XCTAssertTrue(try String(contentsOf: map, encoding: .utf8).contains("attention α"))

        let lm = try recur(["run", "char-lm"] + Self.tiny + ["--data", try corpus().path, "--run-dir", path("lm")])
        XCTAssertEqual(lm.status, 0, "\(lm)")
        assertUserError(try recur(["translate", path("lm"), "hello"]), contains: ["does not translate", "recur predict"])
    }
}
