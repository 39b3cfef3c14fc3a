import FoundationXML
import XCTest
import RecurKit

/// The attention map: one labelled, shaded cell per weight, text escaped, valid XML.
final class HeatmapSVGTests: XCTestCase {
    func testDrawsEveryWeightWithItsLabels() throws {
        let map = HeatmapSVG(rowLabels: ["il", "<eos>"], columnLabels: ["he", "&", "<eos>"],
                             values: [[1, 0, 0], [0.25, 0.25, 0.5]], title: "he & → il")
        let svg = map.svg
        XCTAssertEqual(svg.components(separatedBy: "<title>").count - 1, 6)
        XCTAssertTrue(svg.contains("fill=\"rgb(0,0,0)\""), "weight 1 is black")
        XCTAssertTrue(svg.contains("<title>&lt;eos&gt; ← &lt;eos&gt;: 0.500</title>"))
        XCTAssertTrue(svg.contains(">&amp;</text>"))
        XCTAssertNoThrow(try XMLDocument(data: Data(svg.utf8)))
    }
}
