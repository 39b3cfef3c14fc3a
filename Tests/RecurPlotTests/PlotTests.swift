import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RecurPlot

/// Counts elements by name (and `class`) while checking the document is well-formed XML.
final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    var texts: [String] = []
    private var current = ""

    static func parse(_ svg: String) throws -> ElementCounter {
        let counter = ElementCounter()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = counter
        guard parser.parse() else { throw parser.parserError ?? NSError(domain: "svg", code: 1) }
        return counter
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        counts[name, default: 0] += 1
        if let c = attributes["class"] { counts["\(name).\(c)", default: 0] += 1 }
        current = ""
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(current) }
    }
}

final class PlotTests: XCTestCase {
    func testLinearTicksAreRoundNumbersCoveringTheData() {
        let scale = Scale(kind: .linear, covering: [0.13, 2.7])
        XCTAssertEqual(scale.lower, 0)
        XCTAssertEqual(scale.upper, 3)
        XCTAssertEqual(scale.ticks, [0, 1, 2, 3])
        XCTAssertEqual(scale.fraction(1.5)!, 0.5, accuracy: 1e-12)
    }

    func testLogScaleUsesWholeDecadesAndSkipsNonPositiveValues() {
        let scale = Scale(kind: .log, covering: [3e-7, 0, -1, 0.5, .nan])
        XCTAssertEqual(scale.lower, 1e-7, accuracy: 1e-20)
        XCTAssertEqual(scale.upper, 1, accuracy: 1e-12)
        XCTAssertEqual(scale.ticks.count, 8)
        XCTAssertEqual(scale.label(1e-7), "1e-7")
        XCTAssertEqual(scale.label(100), "100")
        XCTAssertNil(scale.fraction(0))
        XCTAssertEqual(scale.fraction(1e-3)!, 4.0 / 7, accuracy: 1e-9)
        // Twenty-five decades are thinned to every fourth, keeping 1 labelled.
        let wide = Scale(kind: .log, covering: [3e-25, 1]).ticks
        XCTAssertLessThanOrEqual(wide.count, 9)
        XCTAssertEqual(wide.last, 1)
        XCTAssertEqual(wide.first!, 1e-24, accuracy: 1e-30)
    }

    func testLinePlotHasAxesOneLinePerSeriesAndALegend() throws {
        var plot = LinePlot(title: "gradient <flow> & more", xLabel: "distance", yLabel: "norm", logY: true)
        plot.series = [LinePlot.Series(name: "rnn", values: [1, 0.1, 0.01, 1e-3]),
                       LinePlot.Series(name: "lstm", values: [1, 0.9, 0.8, 0.7])]
        let counter = try ElementCounter.parse(plot.svg())
        XCTAssertEqual(counter.counts["polyline.series"], 2)
        XCTAssertEqual(counter.counts["text.legend-entry"], 2)
        XCTAssertTrue(counter.texts.contains("gradient <flow> & more"), "titles are escaped, not dropped")
        XCTAssertTrue(counter.texts.contains("1e-3") && counter.texts.contains("1"))
        XCTAssertTrue(counter.texts.contains("distance") && counter.texts.contains("norm"))
    }

    func testUnplottablePointsBreakTheLine() throws {
        let plot = LinePlot(title: "t", xLabel: "x", yLabel: "y", logY: true,
                            series: [LinePlot.Series(name: "s", values: [1, 2, 0, 3, 4])])
        XCTAssertEqual(try ElementCounter.parse(plot.svg()).counts["polyline.series"], 2)
    }

    func testHeatmapHasACellPerValueAndAColourBar() throws {
        let map = Heatmap(title: "confusion", rowLabels: ["a", "b"], columnLabels: ["x", "y", "z"],
                          values: [[1, 0, 0], [0.5, .nan, 2]], xLabel: "predicted", yLabel: "true")
        let counter = try ElementCounter.parse(map.svg())
        XCTAssertEqual(counter.counts["rect.cell"], 6)
        XCTAssertEqual(counter.counts["rect.colour-bar"], 10)
        XCTAssertTrue(counter.texts.contains("2") && counter.texts.contains("0"), "colour bar labels its range")
    }

    func testViridisEnds() {
        XCTAssertEqual(Palette.viridis(0), "#440154")
        XCTAssertEqual(Palette.viridis(1), "#fde725")
        XCTAssertEqual(Palette.viridis(.nan), "#440154")
    }
}

final class LinePlotMarkerTests: XCTestCase {
    func testAOnePointSeriesIsAMarkerAndAGapLeavesLoneNeighboursAsMarkers() throws {
        let plot = LinePlot(title: "t", xLabel: "x", yLabel: "y", logY: true, series: [
            LinePlot.Series(name: "once", points: [(x: 10, y: 2)], dashed: true),
            LinePlot.Series(name: "gappy", values: [1, 0, 3, 4, 0, 5]),
        ])
        let counter = try ElementCounter.parse(plot.svg())
        XCTAssertEqual(counter.counts["circle.marker"], 3, "the lone point, and 1 and 5 cut off by unplottable zeros")
        XCTAssertEqual(counter.counts["polyline.series"], 1, "3, 4 still make a line")
    }

    func testColoursAndAnExplicitLegend() throws {
        var plot = LinePlot(title: "t", xLabel: "x", yLabel: "y", series: [
            LinePlot.Series(name: "a train", values: [1, 2], colour: "#123456"),
            LinePlot.Series(name: "a validation", values: [2, 3], dashed: true, colour: "#123456"),
        ])
        plot.legend = [LinePlot.LegendEntry(name: "a", colour: "#123456"),
                       LinePlot.LegendEntry(name: "validation", colour: "#555555", dashed: true)]
        let svg = plot.svg()
        let counter = try ElementCounter.parse(svg)
        XCTAssertEqual(counter.counts["text.legend-entry"], 2)
        XCTAssertTrue(counter.texts.contains("a") && counter.texts.contains("validation") && !counter.texts.contains("a train"))
        XCTAssertEqual(svg.components(separatedBy: "stroke=\"#123456\"").count - 1, 3, "both lines and the run's swatch")
        XCTAssertEqual(svg.components(separatedBy: "stroke-dasharray").count - 1, 2, "the dashed line and the dashed swatch")
    }

    func testAConstantGetsARangeOfItsOwnSizeAndTicksAreRound() {
        let constant = Scale(kind: .linear, covering: [0.002, 0.002])
        XCTAssertLessThan(constant.lower, 0.002)
        XCTAssertGreaterThan(constant.lower, 0)
        XCTAssertEqual(Scale(kind: .linear, covering: [0, 0]).lower, 0)
        XCTAssertEqual(Scale(kind: .linear, covering: [0, 0]).upper, 1)
        let ticks = Scale(kind: .linear, covering: [0.65, 1.7]).ticks
        for tick in ticks { XCTAssertEqual((tick * 10).rounded(), tick * 10, accuracy: 1e-9, "\(ticks)") }
    }
}

final class LinePlotThinningTests: XCTestCase {
    func testALongSeriesIsThinnedToPixelColumnsKeepingItsSpike() throws {
        var values = (0..<100_000).map { 1 + sin(Double($0) / 5000) }
        values[54_321] = 40  // one spike, which must stay visible
        let plot = LinePlot(title: "t", xLabel: "step", yLabel: "loss", series: [LinePlot.Series(name: "train", values: values)])
        let svg = plot.svg()
        let points = try XCTUnwrap(svg.range(of: "points=\"").map { svg[$0.upperBound...].prefix { $0 != "\"" } })
        let count = points.split(separator: " ").count
        XCTAssertLessThanOrEqual(count, 4 * Int(plot.width), "at most four points a pixel column")
        XCTAssertGreaterThan(count, Int(plot.width) / 2)
        let lowestY = points.split(separator: " ").compactMap { Double($0.split(separator: ",")[1]) }.min()!
        XCTAssertEqual(lowestY, 34, accuracy: 0.5, "the spike still reaches the top of the frame")
        XCTAssertEqual(LinePlot.thinned([(0, 1), (0.5, 2)]).count, 2, "short series are left alone")
    }
}
