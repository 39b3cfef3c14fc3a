import XCTest
@testable import ClassificationTask
import RecurKit
import RecurPlot

final class MetricsTests: XCTestCase {
    /// truth a: 3 (2 right, 1 → b); truth b: 2 (both → a); truth c: 1 (right); c never confuses.
    func matrix() -> ConfusionMatrix {
        var m = ConfusionMatrix(labels: ["a", "b", "c"])
        for (t, p) in [(0, 0), (0, 0), (0, 1), (1, 0), (1, 0), (2, 2)] { m.add(truth: t, prediction: p) }
        return m
    }

    func testScoresFollowTheirDefinitions() {
        let m = matrix()
        XCTAssertEqual(m.accuracy, 3.0 / 6.0, accuracy: 1e-12)
        XCTAssertEqual(m.precision(0), 2.0 / 4.0, accuracy: 1e-12)
        XCTAssertEqual(m.recall(0), 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(m.f1(0), 2 * 0.5 * (2.0 / 3.0) / (0.5 + 2.0 / 3.0), accuracy: 1e-12)
        XCTAssertEqual(m.f1(1), 0, "predicted once, never right: P = R = 0")
        XCTAssertEqual(m.f1(2), 1)
        XCTAssertEqual(m.macroF1, (m.f1(0) + 0 + 1) / 3, accuracy: 1e-12)
    }

    func testAClassNeverPredictedHasF1Zero() {
        var m = ConfusionMatrix(labels: ["a", "b"])
        m.add(truth: 0, prediction: 0)
        m.add(truth: 1, prediction: 0)
        XCTAssertEqual(m.precision(1), 0)
        XCTAssertEqual(m.f1(1), 0)
        XCTAssertEqual(m.macroF1, (2 * 0.5 * 1 / 1.5) / 2, accuracy: 1e-12)
    }

    func testTableRowsAreAligned() {
        var m = ConfusionMatrix(labels: ["Arabic", "Korean", "Portuguese"])
        m.add(truth: 2, prediction: 2)
        for _ in 0..<123 { m.add(truth: 0, prediction: 1) }
        let lines = m.table.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(Set(lines[1...4].map(\.count)).count, 1, m.table)
        XCTAssertEqual(Set(lines[6...9].map(\.count)).count, 1, m.table)
        XCTAssertTrue(lines[4].hasPrefix("2 Portuguese"))
        XCTAssertTrue(m.table.contains("accuracy 0.81%"), m.table)
    }

    func testHeatmapHasASquarePerPairAndEscapesLabels() {
        var m = ConfusionMatrix(labels: ["<x>", "b&c"])
        m.add(truth: 0, prediction: 1)
        let svg = ConfusionHeatmap.svg(labels: m.labels, counts: m.counts, accuracy: m.accuracy, macroF1: m.macroF1, title: "t")
        XCTAssertTrue(svg.contains("<svg"))
        XCTAssertEqual(svg.components(separatedBy: "class=\"cell\"").count - 1, 4)
        XCTAssertTrue(svg.contains(">1</text>") && svg.contains(">0</text>"), "counts are written in the cells")
        XCTAssertTrue(svg.contains("&lt;x&gt;") && svg.contains("b&amp;c"))
        XCTAssertFalse(svg.contains(">b&c<"))
    }
}
