import Foundation
import XCTest

/// `recur run … --json` and `recur resume … --json`: exactly one JSON object on stdout (progress on
/// stderr) with the documented keys and sane values.
final class JSONSummaryTests: HostTestCase {
    static let requiredKeys: Set = ["run_dir", "steps", "train_loss", "val_loss", "val_bpc", "seconds", "chars_per_second"]

    private func assertSaneSummary(_ result: RecurResult, run: URL, steps: Int,
                                   file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        XCTAssertEqual(result.status, 0, "\(result)", file: file, line: line)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "stdout must be one JSON line: \(result)", file: file, line: line)
        let summary = try jsonObject(result.stdout, file: file, line: line)
        let missing = Self.requiredKeys.subtracting(summary.keys)
        XCTAssertTrue(missing.isEmpty, "summary lacks \(missing.sorted()): \(summary)", file: file, line: line)

        XCTAssertEqual(summary["run_dir"] as? String, run.path, file: file, line: line)
        XCTAssertEqual((summary["steps"] as? NSNumber)?.intValue, steps, file: file, line: line)
        let trainLoss = try double(summary, "train_loss", file: file, line: line)
        let valLoss = try double(summary, "val_loss", file: file, line: line)
        let valBPC = try double(summary, "val_bpc", file: file, line: line)
        let seconds = try double(summary, "seconds", file: file, line: line)
        let rate = try double(summary, "chars_per_second", file: file, line: line)
        // An untrained model over ~29 characters starts near ln 29 ≈ 3.37 nats.
        XCTAssertTrue(trainLoss.isFinite && trainLoss > 0 && trainLoss < 10, "train_loss \(trainLoss)", file: file, line: line)
        XCTAssertTrue(valLoss.isFinite && valLoss > 0 && valLoss < 10, "val_loss \(valLoss)", file: file, line: line)
        XCTAssertEqual(valBPC, valLoss / log(2), accuracy: 1e-9, file: file, line: line)
        XCTAssertTrue(seconds > 0 && seconds < 60, "seconds \(seconds)", file: file, line: line)
        XCTAssertTrue(rate.isFinite && rate > 0, "chars_per_second \(rate)", file: file, line: line)
        if let interrupted = summary["interrupted"] { XCTAssertEqual(interrupted as? Bool, false, file: file, line: line) }

        // The summary agrees with the run's files: train_loss is the last step's loss, val_loss the last evaluation.
        let entries = try logEntries(run, file: file, line: line)
        let lastStep = try XCTUnwrap(entries.last { $0["loss"] != nil }, file: file, line: line)
        XCTAssertEqual((lastStep["step"] as? NSNumber)?.intValue, steps, file: file, line: line)
        XCTAssertEqual(try double(lastStep, "loss", file: file, line: line), trainLoss, accuracy: 1e-9, file: file, line: line)
        let lastEval = try XCTUnwrap(entries.last { $0["val_loss"] != nil }, file: file, line: line)
        XCTAssertEqual(try double(lastEval, "val_loss", file: file, line: line), valLoss, accuracy: 1e-12, file: file, line: line)
        return summary
    }

    func testRunJSONSummary() throws {
        let data = try corpus()
        let run = work.appendingPathComponent("json-run")
        let result = try recur(["run", "char-lm"] + Self.tiny(["--log-every": "1"]) + ["--data", data.path, "--run-dir", run.path, "--json"])
        _ = try assertSaneSummary(result, run: run, steps: 5)
        XCTAssertTrue(result.stderr.contains("step 5"), "progress goes to stderr with --json: \(result)")
        XCTAssertFalse(result.stderr.contains("recur:"), "no error on a good run: \(result)")
    }

    func testResumeJSONSummary() throws {
        let data = try corpus()
        let run = work.appendingPathComponent("json-run")
        let first = try recur(["run", "char-lm"] + Self.tiny(["--log-every": "1"]) + ["--data", data.path, "--run-dir", run.path, "--json"])
        let firstSummary = try assertSaneSummary(first, run: run, steps: 5)
        let resumed = try recur(["resume", run.path, "--steps", "8", "--json"])
        let summary = try assertSaneSummary(resumed, run: run, steps: 8)
        XCTAssertGreaterThanOrEqual(try double(summary, "seconds"), try double(firstSummary, "seconds"),
                                    "seconds counts the whole run, across the resume")
    }
}
