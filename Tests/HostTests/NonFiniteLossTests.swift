import Foundation
import XCTest

/// Divergence: `--lr 1e38 --clip 0` (Adam) makes the step-2 loss NaN reliably (step 1 moves every
/// weight by ~1e38). Training must stop with a message saying so, exit non-zero, and keep the
/// checkpoint written before. `--lr 1e30 --clip 0` diverges more slowly: the loss stays finite
/// (~1e30) but exp(loss), the perplexity, overflows.
final class NonFiniteLossTests: HostTestCase {
    private var data: URL!

    override func setUpWithError() throws {
        try super.setUpWithError()
        data = try corpus()
    }

    private func diverge(_ name: String, lr: String, extra: [String: String] = [:]) throws -> (URL, RecurResult) {
        let run = work.appendingPathComponent(name)
        var overrides = ["--steps": "20", "--lr": lr, "--clip": "0", "--log-every": "1"]
        for (k, v) in extra { overrides[k] = v }
        let result = try recur(["run", "char-lm"] + Self.tiny(overrides) + ["--data", data.path, "--run-dir", run.path])
        return (run, result)
    }

    func testNonFiniteLossStopsTrainingAndKeepsTheLastCheckpoint() throws {
        let (run, result) = try diverge("diverged", lr: "1e38", extra: ["--checkpoint-every": "1", "--eval-every": "1000"])
        assertDidNotCrash(result)
        assertUserError(result, contains: ["loss", "became non-finite at step 2", "training stopped",
                                           "last checkpoint (step 1)", run.appendingPathComponent("checkpoint.safetensors").path,
                                           "--lr", "--clip"])
        XCTAssertTrue(exists("diverged/checkpoint.safetensors"), "the step-1 checkpoint must be kept")
        // Nothing after step 1 reached the log.
        let losses = try stepLosses(run)
        XCTAssertEqual(losses.keys.sorted(), [1], "log.jsonl: \(losses)")
        XCTAssertTrue(losses[1]?.isFinite ?? false)

        // The kept checkpoint still loads.
        let eval = try recur(["eval", run.path])
        XCTAssertEqual(eval.status, 0, "eval of the kept checkpoint: \(eval)")
        assertDidNotCrash(eval)
        XCTAssertTrue(eval.stdout.hasPrefix("step 1\n"), "eval should report the checkpoint's step: \(eval)")
        XCTAssertTrue(eval.stdout.contains("val_loss"), "\(eval)")
    }

    func testNonFiniteLossBeforeAnyCheckpointSaysSo() throws {
        let (run, result) = try diverge("diverged", lr: "1e38", extra: ["--eval-every": "1000"])
        assertDidNotCrash(result)
        assertUserError(result, contains: ["became non-finite at step 2", "no checkpoint had been written yet"])
        XCTAssertFalse(exists("diverged/checkpoint.safetensors"), "no checkpoint may appear after divergence")
        // The run can be neither sampled nor resumed, and says why.
        let sample = try recur(["sample", run.path])
        assertUserError(sample, contains: ["no checkpoint"])
    }

    /// `eval --json` on the kept (diverged) checkpoint: its metrics are NaN, which JSON cannot hold. It must
    /// still answer with one valid JSON object (exit 0) or one clear `recur:` line — not a Foundation error.
    func testEvalJSONOfDivergedCheckpointIsValidOrClear() throws {
        let (run, result) = try diverge("diverged", lr: "1e38", extra: ["--checkpoint-every": "1", "--eval-every": "1000"])
        XCTAssertEqual(result.status, 1, "\(result)")
        let before = try snapshot(run)
        let eval = try recur(["eval", run.path, "--json"])
        assertDidNotCrash(eval)
        if eval.stderr.contains("NSCocoaErrorDomain") {
            XCTFail("raw Foundation error instead of valid JSON or a clear message: \(eval)")
        } else if eval.status == 0 {
            let object = try jsonObject(eval.stdout)
            XCTAssertEqual((object["step"] as? NSNumber)?.intValue, 1, "\(object)")
        } else {
            assertUserError(eval, contains: ["non-finite"])
        }
        try assertUnchanged(run, since: before, "eval --json of a diverged checkpoint")
    }

    /// Sampling from the kept (diverged) checkpoint: NaN logits must give an error or some text, never a trap.
    func testSampleOfDivergedCheckpointDoesNotCrash() throws {
        let (run, result) = try diverge("diverged", lr: "1e38", extra: ["--checkpoint-every": "1", "--eval-every": "1000"])
        XCTAssertEqual(result.status, 1, "\(result)")
        let sample = try recur(["sample", run.path, "--length", "5"])
        guard assertDidNotCrash(sample) else { return }
        XCTAssertTrue([0, 1].contains(sample.status), "\(sample)")
    }

    /// The slow divergence: the loss is ~1e30 (finite) but at the step-5 evaluation the perplexity is
    /// exp(1e30) = inf. Training must stop with a clear non-finite message (not a JSON-writer error),
    /// exit non-zero, keep the step-4 checkpoint, and leave log.jsonl readable.
    func testInfiniteValidationMetricsStopTrainingClearly() throws {
        let (run, result) = try diverge("diverged", lr: "1e30", extra: ["--checkpoint-every": "1", "--eval-every": "5"])
        assertDidNotCrash(result)
        XCTAssertNotEqual(result.status, 0, "a diverged run must not report success: \(result)")
        XCTAssertTrue(result.stderr.contains("non-finite") && !result.stderr.contains("NSCocoaErrorDomain"),
                      "the message should say the numbers became non-finite (not a JSON-writer error): \(result)")
        XCTAssertTrue(exists("diverged/checkpoint.safetensors"))
        _ = try logEntries(run)  // every line still parses
        let eval = try recur(["eval", run.path])
        XCTAssertEqual(eval.status, 0, "the kept checkpoint must load: \(eval)")
    }
}
