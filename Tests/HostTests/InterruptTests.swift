import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C during training: the first SIGINT checkpoints, prints how to continue, exits 130, and
/// `recur resume` carries on from there.
final class InterruptTests: HostTestCase {
    struct RunDidNotStart: Error {}

    /// Starts a run that would take far too long, and waits until it has logged a step (so training,
    /// and with it the SIGINT handler, is under way).
    private func startLongRun(_ run: URL, data: URL, json: Bool = false) throws -> RecurProcess {
        let args = ["run", "char-lm"] + Self.tiny(["--steps": "100000", "--log-every": "1", "--eval-every": "100000"])
            + ["--data", data.path, "--run-dir", run.path] + (json ? ["--json"] : [])
        let process = try RecurProcess(args, in: work)
        let log = run.appendingPathComponent("log.jsonl")
        let deadline = Date().addingTimeInterval(60)
        while !((try? Data(contentsOf: log))?.isEmpty == false) {
            guard process.isRunning else {
                let result = process.wait()
                XCTFail("the run ended before logging anything: \(result)")
                throw RunDidNotStart()
            }
            guard Date() < deadline else {
                process.send(SIGKILL)
                XCTFail("no log.jsonl after 60 s: \(process.wait())")
                throw RunDidNotStart()
            }
            usleep(10_000)
        }
        return process
    }

    func testCtrlCCheckpointsAndResumeContinues() throws {
        let data = try corpus()
        let run = work.appendingPathComponent("long")
        let process = try startLongRun(run, data: data)
        process.send(SIGINT)
        let result = process.wait(timeout: 60)
        XCTAssertFalse(result.timedOut, "the first SIGINT must stop training: \(result)")
        XCTAssertEqual(result.status, 130, "\(result)")
        XCTAssertNil(result.signal, "recur should exit 130 itself, not die of the signal: \(result)")
        XCTAssertTrue(exists("long/checkpoint.safetensors"), "\(result)")
        XCTAssertTrue(result.stdout.contains("recur resume \(run.path)"), "stdout should say how to continue: \(result)")
        XCTAssertTrue(result.stdout.contains("interrupted"), "\(result)")

        // The step the checkpoint holds, from the note and from eval; the log ends there too.
        let eval = try recur(["eval", run.path, "--json"])
        XCTAssertEqual(eval.status, 0, "\(eval)")
        let step = try XCTUnwrap((try jsonObject(eval.stdout)["step"] as? NSNumber)?.intValue)
        XCTAssertGreaterThanOrEqual(step, 1)
        XCTAssertLessThan(step, 100000)
        XCTAssertTrue(result.stdout.contains("checkpoint at step \(step) "), "note and checkpoint disagree on the step: \(result)")
        XCTAssertEqual(try stepLosses(run).keys.max(), step, "log.jsonl should end at the checkpointed step")

        let resume = try recur(["resume", run.path, "--steps", "\(step + 2)"])
        XCTAssertEqual(resume.status, 0, "\(resume)")
        XCTAssertTrue(resume.stdout.contains("resuming char-lm at step \(step) of \(step + 2)"), "\(resume)")
        let losses = try stepLosses(run)
        XCTAssertEqual(losses.keys.sorted(), Array(1...(step + 2)), "every step logged exactly once across the interruption")
        let after = try recur(["eval", run.path, "--json"])
        XCTAssertEqual((try jsonObject(after.stdout)["step"] as? NSNumber)?.intValue, step + 2, "\(after)")
    }

    func testCtrlCWithJSONReportsAnInterruptedSummary() throws {
        let data = try corpus()
        let run = work.appendingPathComponent("long")
        let process = try startLongRun(run, data: data, json: true)
        process.send(SIGINT)
        let result = process.wait(timeout: 60)
        XCTAssertEqual(result.status, 130, "\(result)")
        let summary = try jsonObject(result.stdout)
        XCTAssertEqual(summary["interrupted"] as? Bool, true, "\(summary)")
        let steps = try XCTUnwrap((summary["steps"] as? NSNumber)?.intValue)
        XCTAssertGreaterThanOrEqual(steps, 1)
        XCTAssertTrue(result.stderr.contains("recur resume \(run.path)"), "with --json the note goes to stderr: \(result)")
        XCTAssertTrue(exists("long/checkpoint.safetensors"))
    }
}
