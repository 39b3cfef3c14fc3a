import Foundation
import XCTest

/// `recur states`: a trained char-lm's gates and memory over a text, as text, JSON and SVG.
final class StatesCommandTests: HostTestCase {
    func testShowsGatesSaturationAndDrawsAUnit() throws {
        let data = try corpus(characters: 1200)
        let run = path("lm")
        XCTAssertEqual(try recur(["run", "char-lm"] + Self.tiny + ["--data", data.path, "--run-dir", run]).status, 0)

        let summary = try recur(["states", run, "--text", "to be or not"])
        XCTAssertEqual(summary.status, 0, "\(summary)")
        XCTAssertTrue(summary.stdout.contains("layer 0 (8 units): i mean"), summary.stdout)
        XCTAssertTrue(summary.stdout.contains("layer 0 gate f:"), summary.stdout)

        let svg = work.appendingPathComponent("states.svg")
        let drawn = try recur(["states", run, "--text", "to be or not", "--unit", "0:c:3", "--svg", svg.path, "--json"])
        XCTAssertEqual(drawn.status, 0, "\(drawn)")
        let object = try jsonObject(drawn.stdout)
        XCTAssertEqual(object["unit"] as? String, "0:c:3")
        let layers = try XCTUnwrap(object["layers"] as? [[String: Any]])
        XCTAssertEqual((layers[0]["c"] as? [[Double]])?.count, 12, "one row per character")
        let picture = try String(contentsOf: svg, encoding: .utf8)
        XCTAssertEqual(picture.components(separatedBy: "class=\"char\"").count - 1, 12)
        XCTAssertTrue(picture.contains("most variable units of c"), "the heatmap is there")

        let bad = try recur(["states", run, "--text", "to be", "--unit", "0:q:1"])
        assertUserError(bad, contains: ["--unit 0:q:1", "layer 0 records i, f, g, o, c, h"])
        let unknown = try recur(["states", run, "--text", "€"])
        XCTAssertEqual(unknown.status, 1, "\(unknown)")
    }
}
