import Foundation
import XCTest

/// `recur diagnose gradient-flow`, `recur report` and `recur compare` end to end on tiny models.
final class DiagnosticsCommandTests: HostTestCase {
    func testGradientFlowJSONTableAndPlotForSeveralCells() throws {
        let json = try recur(["diagnose", "gradient-flow", "--cell", "rnn", "--cell", "lstm", "--length", "10", "--hidden", "8", "--json"])
        XCTAssertEqual(json.status, 0, "\(json)")
        let results = try XCTUnwrap(try jsonObject(json.stdout)["results"] as? [[String: Any]])
        XCTAssertEqual(results.map { $0["cell"] as? String }, ["rnn", "lstm"])
        XCTAssertEqual((results[0]["norms"] as? [Double])?.count, 11)
        XCTAssertNil(results[0]["cell_state_norms"])
        XCTAssertEqual((results[1]["cell_state_norms"] as? [Double])?.count, 11)

        let table = try recur(["diagnose", "gradient-flow", "--cell", "gru", "--length", "5", "--hidden", "4", "--svg", path("flow.svg")])
        XCTAssertEqual(table.status, 0, "\(table)")
        XCTAssertTrue(table.stdout.contains("distance  ‖∂L/∂h_t‖"), table.stdout)
        XCTAssertEqual(table.stdout.split(separator: "\n").filter { $0.hasPrefix("       5 ") }.count, 1, table.stdout)
        let svg = try String(contentsOfFile: path("flow.svg"), encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg") && svg.contains("polyline") && svg.contains("gru h"))
    }

    func testGradientFlowOfATrainedRunAndErrors() throws {
        let run = try trainTinyRun("lm", data: try corpus())
        let trained = try recur(["diagnose", "gradient-flow", run.path, "--length", "6", "--json"])
        XCTAssertEqual(trained.status, 0, "\(trained)")
        let results = try XCTUnwrap(try jsonObject(trained.stdout)["results"] as? [[String: Any]])
        XCTAssertEqual(results.first?["cell"] as? String, "lstm (lm)")

        let unknown = try recur(["diagnose", "gradient-flow", "--cell", "lstmm"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("lstm"), unknown.stderr)
        let nothing = try recur(["diagnose", "gradient-flow"])
        XCTAssertNotEqual(nothing.status, 0)
        XCTAssertTrue(nothing.stderr.contains("at least one --cell"), nothing.stderr)
    }

    func testReportAndCompareWriteSelfContainedPages() throws {
        let lm = try trainTinyRun("lm", data: try corpus())
        let report = try recur(["report", lm.path])
        XCTAssertEqual(report.status, 0, "\(report)")
        let page = try String(contentsOf: lm.appendingPathComponent("report.html"), encoding: .utf8)
        for id in ["config", "metrics", "curves", "sample", "states", "gradient-flow"] {
            XCTAssertTrue(page.contains("<section id=\"\(id)\">"), "no #\(id)")
        }
        XCTAssertFalse(page.contains("<script") || page.contains("https://"), "a report needs no scripts and no network")

        for cell in ["rnn", "gru"] {
            let run = try recur(["run", "adding", "--cell", cell, "--length", "6", "--hidden", "4", "--batch", "4", "--steps", "4",
                                 "--eval-every", "2", "--test-size", "8", "--run-dir", path("add-\(cell)")])
            XCTAssertEqual(run.status, 0, "\(run)")
        }
        let compare = try recur(["compare", path("add-rnn"), path("add-gru"), "-o", path("cmp.html")])
        XCTAssertEqual(compare.status, 0, "\(compare)")
        let comparison = try String(contentsOfFile: path("cmp.html"), encoding: .utf8)
        XCTAssertTrue(comparison.contains("add-rnn validation") && comparison.contains("add-gru train"))
        XCTAssertTrue(comparison.contains("val_mse"))
        XCTAssertTrue(comparison.contains("rnn (add-rnn) h"))
    }
}

final class CopyReportTests: HostTestCase {
    func testCopyReportShowsTheRecallHeatmap() throws {
        let run = try recur(["run", "copy", "--cell", "lstm", "--length", "3", "--symbols", "2", "--hidden", "4", "--batch", "4",
                             "--steps", "2", "--eval-every", "2", "--test-size", "8", "--run-dir", path("copy")])
        XCTAssertEqual(run.status, 0, "\(run)")
        XCTAssertEqual(try recur(["report", path("copy"), "-o", path("copy.html")]).status, 0)
        let page = try String(contentsOfFile: path("copy.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("<section id=\"figure-0\">") && page.contains("colour-bar"))
        XCTAssertTrue(page.contains("val_recall_accuracy"))
    }
}
