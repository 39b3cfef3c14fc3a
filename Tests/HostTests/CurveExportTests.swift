import Foundation
import RecurKit
import RecurTestSupport
import XCTest

/// `recur log` (table, CSV, JSON) and `--tensorboard DIR` on `run` and `resume`.
final class CurveExportTests: HostTestCase {
    /// A tiny char-lm run logging every step, evaluating every second one.
    func loggedRun(_ name: String, steps: Int = 4, extra: [String] = []) throws -> URL {
        let result = try recur(["run", "char-lm"] + Self.tiny(["--steps": "\(steps)", "--eval-every": "2", "--log-every": "1"])
                               + ["--data", try corpus().path, "--run-dir", path(name)] + extra)
        XCTAssertEqual(result.status, 0, "\(result)")
        return work.appendingPathComponent(name)
    }

    func appendToLog(_ run: URL, _ text: String) throws {
        let handle = try FileHandle(forWritingTo: run.appendingPathComponent("log.jsonl"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    /// `recur run ARGUMENTS… --run-dir run`, then the text of its report.
    func reportOfRun(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let run = try recur(["run"] + arguments + ["--run-dir", path("run")], file: file, line: line)
        XCTAssertEqual(run.status, 0, "\(run)", file: file, line: line)
        let report = try recur(["report", path("run"), "-o", path("run.html")], file: file, line: line)
        XCTAssertEqual(report.status, 0, "\(report)", file: file, line: line)
        return try String(contentsOfFile: path("run.html"), encoding: .utf8)
    }

    func testLogPrintsEveryFieldAsCSVTableAndJSON() throws {
        let run = try loggedRun("lm")
        try appendToLog(run, "{\"step\":4,\"val_novel\":0.1,\"note\":\"a, \\\"b\\\"\"}\n")
        let lines = try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8).split(separator: "\n")

        let csv = try recur(["log", run.path, "--csv"])
        XCTAssertEqual(csv.status, 0, "\(csv)")
        let rows = csv.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(rows.first, "step,loss,chars_per_second,grad_norm,lr,note,val_loss,val_bpc,val_novel,val_perplexity")
        XCTAssertEqual(rows.count, lines.count + 1, "a header and one row per log line")
        XCTAssertEqual(rows.last, "4,,,,,\"a, \"\"b\"\"\",,,0.1,", "a field with a comma or quote is quoted")
        // Numbers read back to exactly the logged values.
        let first = try jsonObject(String(lines[0]))
        let loss = try XCTUnwrap(Double(String(rows[1].split(separator: ",")[1])))
        XCTAssertEqual(loss, try double(first, "loss"))

        let table = try recur(["log", run.path])
        XCTAssertEqual(table.status, 0, "\(table)")
        let tableLines = table.stdout.split(separator: "\n")
        XCTAssertTrue(tableLines[0].hasPrefix("step  ") && tableLines[0].contains("val_loss"), table.stdout)
        XCTAssertEqual(tableLines.count, 1 + 4, "header, steps 1-4 (lines of one step with no field in common share a row): \(table.stdout)")
        XCTAssertFalse(tableLines.contains { $0.hasSuffix(" ") }, "no trailing blanks: \(table.stdout)")
        XCTAssertTrue(tableLines[4].hasPrefix("   4  ") && tableLines[4].contains("a, \"b\"") && tableLines[4].contains("0.1"), table.stdout)

        let json = try recur(["log", run.path, "--json"])
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(parsed.count, lines.count)
        XCTAssertEqual(parsed.last?["note"] as? String, "a, \"b\"")

        assertUsageError(try recur(["log", run.path, "--csv", "--json"]), contains: ["--csv or --json"])
    }

    func testLogAndReportNameTheBadLineOfABrokenLog() throws {
        let run = try loggedRun("lm", steps: 2)
        let count = try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8).split(separator: "\n").count
        try appendToLog(run, "{\"step\":3,\"loss\":")
        let expected = "\(run.path)/log.jsonl: line \(count + 1) is not a JSON object"
        assertUserError(try recur(["log", run.path]), contains: [expected])
        assertUserError(try recur(["report", run.path, "-o", path("r.html")]), contains: [expected])
        assertUserError(try recur(["log", path("nothing-here")]), contains: ["no such run directory, bundle or log file"])
    }

    func testReportPlotsEveryNumericFieldIncludingOnesAddedLater() throws {
        let run = try loggedRun("lm")
        try appendToLog(run, "{\"step\":4,\"val_novel_metric\":0.5,\"best_val_loss\":3.9}\n{\"step\":4,\"future_train_metric\":7}\n")
        let report = try recur(["report", run.path, "-o", path("r.html")])
        XCTAssertEqual(report.status, 0, "\(report)")
        let page = try String(contentsOfFile: path("r.html"), encoding: .utf8)
        for metric in ["loss", "lr", "grad_norm", "chars_per_second", "bpc", "perplexity", "novel_metric", "best_val_loss", "future_train_metric"] {
            XCTAssertTrue(page.contains("<figure id=\"curve-\(metric)\">"), "no panel for \(metric)")
        }
        XCTAssertTrue(page.contains("data-series=\"validation\" fill=\"none\" stroke=\"#f28e2b\" stroke-width=\"1.8\"")
                      && page.contains("stroke-dasharray=\"6 4\""), "validation is a dashed line of its own colour")
        XCTAssertTrue(page.contains("<circle class=\"marker\" data-series=\"validation\""), "a one-point series is a marker")
    }

    func testCompareGivesEachRunOneColourAndALegendByName() throws {
        for (name, cell) in [("first", "rnn"), ("second", "gru")] {
            let run = try recur(["run", "adding", "--cell", cell, "--length", "6", "--hidden", "4", "--batch", "4", "--steps", "4",
                                 "--eval-every", "2", "--log-every", "1", "--test-size", "8", "--run-dir", path(name)])
            XCTAssertEqual(run.status, 0, "\(run)")
        }
        XCTAssertEqual(try recur(["compare", path("first"), path("second"), "-o", path("cmp.html")]).status, 0)
        let page = try String(contentsOfFile: path("cmp.html"), encoding: .utf8)
        let start = try XCTUnwrap(page.range(of: "<figure id=\"curve-loss\">"), "no loss panel")
        let end = try XCTUnwrap(page.range(of: "</figure>", range: start.upperBound..<page.endIndex))
        let panel = String(page[start.lowerBound..<end.upperBound])
        for (name, colour) in [("first", "#4e79a7"), ("second", "#f28e2b")] {
            XCTAssertTrue(panel.contains("data-series=\"\(name) train\" fill=\"none\" stroke=\"\(colour)\""), "\(name) train")
            XCTAssertTrue(panel.contains("data-series=\"\(name) validation\" fill=\"none\" stroke=\"\(colour)\""), "\(name) validation, same colour")
            XCTAssertTrue(panel.contains(">\(name)</text>"), "legend row for \(name)")
        }
        XCTAssertTrue(panel.contains(">train</text>") && panel.contains(">validation</text>"), "a key to solid and dashed")
    }

    func testClassificationReportShowsTheConfusionMatrix() throws {
        let rows = (0..<60).map { i in ["pos\tgood great fine", "neg\tbad awful poor", "mid\tokay so so"][i % 3] }
        let data = try write("cls.tsv", rows.joined(separator: "\n") + "\n")
        let page = try reportOfRun(["classification", "--data", data.path, "--hidden", "8", "--embedding", "4", "--batch", "8",
                                    "--steps", "4", "--eval-every", "4"])
        XCTAssertTrue(page.contains("<section id=\"task-files\">"))
        XCTAssertTrue(page.contains("<img alt=\"confusion.svg, from the last evaluation\" src=\"data:image/svg+xml;base64,"))
        XCTAssertTrue(page.contains("<h3>confusion.txt</h3>") && page.contains("confusion matrix (rows: true class"))
    }

    func testTranslationReportShowsExamplesAndAttentionMaps() throws {
        let page = try reportOfRun(["translation", "--pairs", "120", "--tokens", "char", "--hidden", "8", "--embedding", "4",
                                    "--batch", "8", "--steps", "3", "--eval-every", "3"])
        XCTAssertTrue(page.contains("Example translations (first 6 validation pairs, greedy)"))
        XCTAssertTrue(page.contains("reference: "))
        XCTAssertTrue(page.contains("Attention α, validation pair 1") && page.contains("Attention α, validation pair 2"))
    }
}

/// `--tensorboard DIR`: the events match log.jsonl, checked in Swift and, when the tensorboard
/// Python package is at hand (see Tests/Support/PythonTools.swift), with TensorBoard's own loader.
final class TensorBoardExportTests: HostTestCase {
    /// Run 4 steps, resume to 6, both with `--tensorboard tb`.
    func trainedWithEvents() throws -> URL {
        let data = try corpus()
        let run = try recur(["run", "char-lm"] + Self.tiny(["--steps": "4", "--eval-every": "2", "--log-every": "1"])
                            + ["--data", data.path, "--run-dir", path("lm"), "--tensorboard", path("tb")])
        XCTAssertEqual(run.status, 0, "\(run)")
        let resume = try recur(["resume", path("lm"), "--steps", "6", "--tensorboard", path("tb")])
        XCTAssertEqual(resume.status, 0, "\(resume)")
        return work.appendingPathComponent("lm")
    }

    /// Record lengths of a TFRecord file, checking that the lengths add up to the file.
    func records(_ url: URL) throws -> [[UInt8]] {
        let bytes = Array(try Data(contentsOf: url))
        var records: [[UInt8]] = [], offset = 0
        while offset < bytes.count {
            XCTAssertLessThanOrEqual(offset + 12, bytes.count, "a torn header")
            let length = (0..<8).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
            XCTAssertLessThanOrEqual(offset + 12 + length + 4, bytes.count, "a torn record")
            records.append(Array(bytes[(offset + 12)..<(offset + 12 + length)]))
            offset += 12 + length + 4
        }
        return records
    }

    func testRunAndResumeEachWriteAnEventFileWithOneEventPerLogLine() throws {
        let run = try trainedWithEvents()
        let files = try FileManager.default.contentsOfDirectory(atPath: path("tb")).sorted()
        XCTAssertEqual(files.count, 2, "\(files)")
        XCTAssertTrue(files.allSatisfy { $0.hasPrefix("events.out.tfevents.") }, "\(files)")
        let counts = try files.map { try records(work.appendingPathComponent("tb/\($0)")).count }
        let logLines = try logEntries(run).count
        XCTAssertEqual(counts.reduce(0, +), logLines + 2, "one event per log line, plus each file's version record")
        let first = try records(work.appendingPathComponent("tb/\(files[0])"))[0]
        XCTAssertTrue(first.suffix(13).elementsEqual("brain.Event:2".utf8), "the version record comes first")

        // A resume that cannot start writes no event file.
        assertUserError(try recur(["resume", run.path, "--tensorboard", path("tb")]), contains: ["already at step 6"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path("tb")).count, 2)
        try write("taken", "")
        assertUserError(try recur(["resume", run.path, "--steps", "8", "--tensorboard", path("taken")]),
                        contains: ["--tensorboard \(path("taken")): cannot create the directory (something else is in the way)"])
    }

    func testTensorBoardReadsBackEveryCurveOfTheLog() throws {
        let python: URL
        switch PythonTools.interpreter(importing: "tensorboard") {
        case .success(let found): python = found
        case .failure(let missing): throw XCTSkip("tensorboard check skipped: \(missing)")
        }
        let run = try trainedWithEvents()
        let script = BuildProducts.checkout.appendingPathComponent("scripts/read_tensorboard.py").path
        let result = try PythonTools.run(python, [script, path("tb")])
        XCTAssertEqual(result.status, 0, result.stderr)
        // JSONDecoder: it reads numbers back exactly, which JSONSerialization does not on Linux.
        let scalars = try JSONDecoder().decode([String: [[Double]]].self, from: Data(result.stdout.utf8))
        let log = try RunLog(Data(contentsOf: run.appendingPathComponent("log.jsonl")), source: "log.jsonl")
        XCTAssertEqual(Set(scalars.keys), Set(log.numericKeys), "one TensorBoard tag per numeric log field")
        XCTAssertTrue(log.numericKeys.contains("val_loss") && log.numericKeys.contains("lr"))
        for key in log.numericKeys {
            // TensorBoard keeps float32 values.
            XCTAssertEqual(scalars[key], log.series(key).map { [$0.x, Double(Float($0.y))] }, key)
        }
    }
}
