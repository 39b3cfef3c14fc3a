import Foundation
import XCTest

/// Schedules, the best checkpoint, early stopping and the regularisers through the command line:
/// what is logged, what resumes, what is refused.
final class TrainingRegimeTests: HostTestCase {
    private func entries(_ run: URL, key: String) throws -> [Int: Double] {
        var values: [Int: Double] = [:]
        for entry in try logEntries(run) {
            if let step = (entry["step"] as? NSNumber)?.intValue, let value = (entry[key] as? NSNumber)?.doubleValue { values[step] = value }
        }
        return values
    }

    /// The lr logged at every step is StepLR's γ^⌊s/N⌋ after a linear warm-up (s is 0-based; step
    /// k of the log is s = k − 1).
    func testLoggedLearningRateFollowsTheSchedule() throws {
        let run = try trainTinyRun("stepped", data: try corpus(), extra: [
            "--steps": "9", "--log-every": "1", "--lr": "0.01", "--lr-schedule": "step", "--lr-step": "4", "--lr-gamma": "0.5", "--warmup": "2"])
        let rates = try entries(run, key: "lr")
        let expected: [Double] = [0.005, 0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.005, 0.0025]
        for (k, rate) in expected.enumerated() {
            XCTAssertEqual(try XCTUnwrap(rates[k + 1]), rate, accuracy: 1e-9, "step \(k + 1)")
        }
        let config = try jsonObject(String(contentsOf: run.appendingPathComponent("config.json"), encoding: .utf8))
        XCTAssertEqual(config["format"] as? Int, 3)
        let schedule = try XCTUnwrap(config["schedule"] as? [String: Any])
        XCTAssertEqual(schedule["kind"] as? String, "step")
        XCTAssertEqual(schedule["stepSize"] as? Int, 4)
    }

    /// A plateau schedule's reductions, weight decay, label smoothing and embedding dropout all
    /// resume exactly: the same losses and learning rates at every step as a straight run.
    func testScheduleAndRegularisersResumeExactly() throws {
        let data = try corpus()
        // `val_loss:max` never improves once the loss falls, so the plateau reduces often.
        let regime = ["--log-every": "1", "--eval-every": "2", "--lr": "0.01", "--lr-schedule": "plateau", "--patience": "0",
                      "--lr-gamma": "0.5", "--monitor": "val_loss:max", "--weight-decay": "0.1", "--label-smoothing": "0.1",
                      "--embedding-dropout": "0.2", "--keep-best": ""]
        func args(_ steps: Int, _ dir: String) -> [String] {
            var flags = Self.tiny(regime.merging(["--steps": "\(steps)"]) { $1 })
            if let i = flags.firstIndex(of: "--keep-best") { flags.remove(at: i + 1) }
            return ["run", "char-lm"] + flags + ["--data", data.path, "--run-dir", path(dir)]
        }
        XCTAssertEqual(try recur(args(12, "straight")).status, 0)
        XCTAssertEqual(try recur(args(6, "resumed")).status, 0)
        let resume = try recur(["resume", path("resumed"), "--steps", "12"])
        XCTAssertEqual(resume.status, 0, "\(resume)")
        let a = work.appendingPathComponent("straight"), b = work.appendingPathComponent("resumed")
        let (lossA, lossB) = (try stepLosses(a), try stepLosses(b))
        let (lrA, lrB) = (try entries(a, key: "lr"), try entries(b, key: "lr"))
        XCTAssertEqual(Set(lrA.values).count > 2, true, "the plateau should have reduced the rate: \(lrA)")
        for step in 1...12 {
            XCTAssertEqual(try XCTUnwrap(lossA[step]), try XCTUnwrap(lossB[step]), accuracy: 1e-6, "loss at step \(step)")
            XCTAssertEqual(try XCTUnwrap(lrA[step]), try XCTUnwrap(lrB[step]), "lr at step \(step)")
        }
        let bestA = try Data(contentsOf: a.appendingPathComponent("best.safetensors"))
        let bestB = try Data(contentsOf: b.appendingPathComponent("best.safetensors"))
        XCTAssertEqual(bestA, bestB, "the best checkpoint of a resumed run equals the straight run's")
    }

    /// `val_loss:max` on a falling loss: the first evaluation stays best, so `--early-stop 2`
    /// stops after the third, keeping the first's weights for `--best`.
    func testEarlyStoppingKeepsTheBestAndSaysSo() throws {
        let data = try corpus()
        let result = try recur(["run", "char-lm"] + Self.tiny(["--steps": "40", "--eval-every": "2", "--lr": "0.01",
                                                               "--monitor": "val_loss:max", "--early-stop": "2"])
                               + ["--data", data.path, "--run-dir", path("early"), "--json"])
        XCTAssertEqual(result.status, 0, "\(result)")
        let summary = try jsonObject(result.stdout)
        XCTAssertEqual(summary["steps"] as? Int, 6)
        XCTAssertEqual(summary["stopped_early"] as? Bool, true)
        XCTAssertEqual(summary["best_step"] as? Int, 2)
        XCTAssertTrue(result.stderr.contains("early stop at step 6: 2 evaluations without a better val_loss"), "\(result)")
        let run = work.appendingPathComponent("early")
        let bestLoss = try XCTUnwrap(try entries(run, key: "val_loss")[2])

        let best = try recur(["eval", run.path, "--best", "--json"])
        XCTAssertEqual(best.status, 0, "\(best)")
        XCTAssertEqual(try double(try jsonObject(best.stdout), "val_loss"), bestLoss, accuracy: 1e-6, "eval --best scores the step-2 weights")
        let latest = try recur(["eval", run.path, "--json"])
        XCTAssertNotEqual(try double(try jsonObject(latest.stdout), "val_loss"), bestLoss)

        assertUserError(try recur(["resume", run.path]), contains: ["stopped early at step 6", "--steps"])
        XCTAssertEqual(try recur(["resume", run.path, "--steps", "8"]).status, 0)

        let bundle = path("best.recur")
        let export = try recur(["export", run.path, "--best", "-o", bundle, "--json"])
        XCTAssertEqual(export.status, 0, "\(export)")
        XCTAssertEqual(try jsonObject(export.stdout)["best_step"] as? Int, 2)
        let fromBundle = try recur(["eval", bundle, "--json", "--data", data.path])
        XCTAssertEqual(fromBundle.status, 0, "\(fromBundle)")
        assertUserError(try recur(["resume", bundle, "--data", data.path]), contains: ["best weights (step 2)", "--init-from"])
        assertUserError(try recur(["eval", bundle, "--best", "--data", data.path]), contains: ["a bundle holds one set of weights"])
    }

    /// A broken best.safetensors or a config.json with a regulariser out of range is one line
    /// naming the file (and field), never a trap.
    func testBrokenBestCheckpointAndRegimeFieldsAreOneLine() throws {
        let run = try trainTinyRun("kept", data: try corpus())
        try Data("not a safetensors file".utf8).write(to: run.appendingPathComponent("best.safetensors"))
        assertUserError(try recur(["eval", run.path, "--best"]), contains: ["best.safetensors"])
        let url = run.appendingPathComponent("config.json")
        for (field, value) in [("labelSmoothing", 2.0), ("weightDecay", -1.0), ("embeddingDropout", 1.0)] {
            var config = try jsonObject(String(contentsOf: url, encoding: .utf8))
            let original = config[field]
            config[field] = value
            try JSONSerialization.data(withJSONObject: config).write(to: url)
            assertUserError(try recur(["eval", run.path]), contains: ["config.json", "'\(field)'"])
            config[field] = original
            try JSONSerialization.data(withJSONObject: config).write(to: url)
        }
        XCTAssertEqual(try recur(["eval", run.path]).status, 0)
    }

    func testBestNeedsKeepBest() throws {
        let run = try trainTinyRun("plain", data: try corpus())
        assertUserError(try recur(["sample", run.path, "--best", "--length", "5"]), contains: ["no best.safetensors", "--keep-best"])
        assertUserError(try recur(["export", run.path, "--best", "-o", path("x.recur")]), contains: ["no best.safetensors"])
        XCTAssertFalse(exists("x.recur"))
    }

    func testMonitoredMetricTheTaskDoesNotReportStopsWithTheListAndACheckpoint() throws {
        let result = try recur(["run", "char-lm"] + Self.tiny(["--monitor": "val_accuracy", "--keep-best": "", "--steps": "6", "--eval-every": "2"])
                                .filter { !$0.isEmpty } + ["--data", try corpus().path, "--run-dir", path("wrong")])
        assertUserError(result, contains: ["--monitor names val_accuracy", "val_bpc", "checkpoint of step 2"])
        XCTAssertTrue(exists("wrong/checkpoint.safetensors"))
    }

    func testMeaninglessCombinationsAreRefused() throws {
        let data = try corpus().path
        func run(_ extra: [String], task: String = "char-lm") throws -> RecurResult {
            try recur(["run", task] + Self.tiny + (task == "char-lm" ? ["--data", data] : []) + ["--run-dir", path("refused")] + extra)
        }
        assertUserError(try run(["--lr-schedule", "step"]), contains: ["--lr-step"])
        assertUserError(try run(["--lr-step", "3"]), contains: ["--lr-step is for --lr-schedule step"])
        assertUserError(try run(["--lr-schedule", "wlm", "--lr-gamma", "0.5"]), contains: ["always divides by 4"])
        assertUserError(try run(["--patience", "3"]), contains: ["--early-stop"])
        let budgetOnly = ["run", "char-lm", "--hidden", "8", "--embedding", "4", "--batch", "2", "--seq-len", "8", "--data", data,
                          "--minutes", "1", "--config", try write("c.json", #"{"steps": null, "epochs": null}"#).path, "--run-dir", path("refused")]
        assertUserError(try recur(budgetOnly + ["--lr-schedule", "cosine"]), contains: ["cosine", "--steps or --epochs"])
        assertUserError(try run(["--label-smoothing", "1"]), contains: ["--label-smoothing", "[0, 1)"])
        assertUserError(try run(["--weight-decay", "-0.1"]), contains: ["--weight-decay"])
        assertUserError(try run(["--early-stop", "0"]), contains: ["--early-stop", "at least 1"])
        assertUserError(try run(["--monitor", "val_bpc_gain"]), contains: ["val_bpc_gain:min or val_bpc_gain:max"])
        assertUsageError(try recur(["run", "adding", "--embedding-dropout", "0.1", "--run-dir", path("refused")]),
                         contains: ["does not use --embedding-dropout"])
        assertUsageError(try recur(["run", "adding", "--label-smoothing", "0.1", "--run-dir", path("refused")]),
                         contains: ["does not use --label-smoothing"])
        assertUserError(try run(["--embedding-dropout", "0.1", "--input", "one-hot"]), contains: ["embedding-dropout", "one-hot"])
        XCTAssertFalse(exists("refused/config.json"))
    }

    /// With both a step count and a time budget, the ETA is the nearer end: a 20-step run of a
    /// tiny model under a 10-minute budget finishes in seconds and must say so. Piped output is
    /// plain lines with the percentage and the last evaluation's metrics.
    func testETAIsTheNearerOfStepsAndBudget() throws {
        let result = try recur(["run", "char-lm"] + Self.tiny(["--steps": "20", "--log-every": "5", "--eval-every": "10", "--minutes": "10"])
                               + ["--data", try corpus().path, "--run-dir", path("eta")])
        XCTAssertEqual(result.status, 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").filter { $0.contains("ETA") }
        XCTAssertEqual(lines.count, 4, "\(result)")
        for line in lines {
            let eta = try XCTUnwrap(line.components(separatedBy: "ETA ").last?.split(separator: " ").first)
            XCTAssertFalse(eta.contains("m") || eta.contains("h"), "the budget (10 minutes) is not the end: \(line)")
            XCTAssertFalse(line.contains("\u{1B}"), "no terminal codes when piped: \(line)")
        }
        XCTAssertTrue(lines[0].contains(" 25%  step 5/20"), "\(lines[0])")
        XCTAssertTrue(lines[2].contains("val_bpc"), "the last evaluation's metrics ride along: \(lines[2])")
    }

    /// A run directory written before format 3 (no schedule, no regularisers) still resumes.
    func testFormatTwoRunResumes() throws {
        let run = try trainTinyRun("old", data: try corpus())
        let url = run.appendingPathComponent("config.json")
        var config = try jsonObject(String(contentsOf: url, encoding: .utf8))
        for key in ["schedule", "weightDecay", "labelSmoothing", "embeddingDropout", "keepBest", "monitor", "earlyStop"] { config[key] = nil }
        config["format"] = 2
        try JSONSerialization.data(withJSONObject: config).write(to: url)
        let resume = try recur(["resume", run.path, "--steps", "7"])
        XCTAssertEqual(resume.status, 0, "\(resume)")
        XCTAssertEqual(try jsonObject(String(contentsOf: url, encoding: .utf8))["format"] as? Int, 2, "resume leaves config.json as it was")
    }
}
