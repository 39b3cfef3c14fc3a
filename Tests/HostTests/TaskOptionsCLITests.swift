import Foundation
import XCTest

/// Typed task options on the command line: per-task help, usage errors, typed config.json,
/// old (format 1) run directories, and `recur predict`.
final class TaskOptionsCLITests: HostTestCase {
    func testRunTaskHelpShowsThatTasksOptionsAndDefaultsOnly() throws {
        let result = try recur(["run", "translation", "--help"])
        XCTAssertEqual(result.status, 0, "\(result)")
        XCTAssertTrue(result.stdout.contains("OPTIONS OF TRANSLATION"), result.stdout)
        XCTAssertTrue(result.stdout.contains("--teacher-forcing"), result.stdout)
        XCTAssertTrue(result.stdout.contains("--cell gru"), "the task's recipe for the common options: \(result.stdout)")
        XCTAssertFalse(result.stdout.contains("--class-weights"), "another task's option leaked: \(result.stdout)")
    }

    /// What the generated completion scripts call: task names first, then that task's options.
    func testShellCompletionOffersTasksThenTheirOptions() throws {
        let tasks = try recur(["---completion", "run", "--", "positional@0"])
        XCTAssertTrue(tasks.stdout.split(separator: "\n").contains("char-lm"), tasks.stdout)
        let options = try recur(["---completion", "run", "--", "positional@1", "recur", "run", "copy", "--s"])
        XCTAssertEqual(options.stdout.split(separator: "\n").map(String.init), ["--length", "--symbols", "--alphabet", "--test-size"])
    }

    /// A common option the task has no use for is refused, not silently ignored.
    func testUnusedCommonOptionsAreRefusedWithTheReason() throws {
        let seqLen = try recur(["run", "adding", "--seq-len", "50"])
        XCTAssertEqual(seqLen.status, 64, "\(seqLen)")
        XCTAssertTrue(seqLen.stderr.contains("task 'adding' does not use --seq-len: its sequences are --length steps long"), seqLen.stderr)
        let data = try recur(["run", "copy", "--data", "x.txt"])
        XCTAssertEqual(data.status, 64, "\(data)")
        XCTAssertTrue(data.stderr.contains("does not use --data"), data.stderr)
        let classification = try recur(["run", "classification", "--seq-len", "5"])
        XCTAssertEqual(classification.status, 64, "\(classification)")
    }

    func testMistypedTaskOptionIsAUsageError() throws {
        let result = try recur(["run", "classification", "--pool", "maxx"])
        XCTAssertEqual(result.status, 64, "\(result)")
        XCTAssertTrue(result.stderr.contains("--pool maxx: expected one of last, mean, max, attention"), result.stderr)
    }

    /// A run directory written before typed options (format 1) resumes, evaluates and predicts.
    func testFormatOneRunDirectoryStillLoads() throws {
        let data = try corpus(characters: 1200)
        let run = work.appendingPathComponent("old")
        let trained = try recur(["run", "char-lm", "--hidden", "8", "--embedding", "4", "--batch", "2", "--seq-len", "8",
                                 "--steps", "4", "--eval-every", "4", "--data", data.path, "--run-dir", run.path])
        XCTAssertEqual(trained.status, 0, "\(trained)")
        // Rewrite config.json as format 1 wrote it: text options, `path` at the top, no `format`.
        let configURL = run.appendingPathComponent("config.json")
        var config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as? [String: Any])
        var stack = try XCTUnwrap(config["stack"] as? [String: Any])
        config["path"] = stack.removeValue(forKey: "path")
        config["stack"] = stack
        config["taskOptions"] = ["embedding": "4"]
        config["format"] = nil
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)

        let evaluated = try recur(["eval", run.path, "--json"])
        XCTAssertEqual(evaluated.status, 0, "\(evaluated)")
        let resumed = try recur(["resume", run.path, "--steps", "6"])
        XCTAssertEqual(resumed.status, 0, "\(resumed)")
        let predicted = try recur(["predict", run.path, "to", "--length", "5", "--json"])
        XCTAssertEqual(predicted.status, 0, "\(predicted)")
        let object = try jsonObject(predicted.stdout)
        XCTAssertEqual((object["text"] as? String)?.unicodeScalars.count, 7, "the prime and 5 characters: \(object)")
    }

    func testPredictRefusesAnUnknownPredictionOption() throws {
        let result = try recur(["run", "adding", "--hidden", "4", "--batch", "4", "--steps", "2", "--length", "4",
                                "--test-size", "4", "--run-dir", path("adding")])
        XCTAssertEqual(result.status, 0, "\(result)")
        let predicted = try recur(["predict", path("adding"), "0.1* 0.2 0.3*", "--json"])
        XCTAssertEqual(predicted.status, 0, "\(predicted)")
        XCTAssertNotNil(try jsonObject(predicted.stdout)["prediction"] as? Double, predicted.stdout)
        let bad = try recur(["predict", path("adding"), "0.1* 0.2 0.3*", "--beam", "2"])
        XCTAssertEqual(bad.status, 64, "\(bad)")
        XCTAssertTrue(bad.stderr.contains("has no option --beam"), bad.stderr)
    }
}
