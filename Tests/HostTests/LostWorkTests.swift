import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Everyday faults must not lose or mix up work: two processes on one run directory, runs
/// started in the same second, a resume that fails, a second Ctrl-C, kill -9, --overwrite.
final class LostWorkTests: HostTestCase {
    /// Starts a run far too long to finish and waits until it has logged a step.
    func startLongRun(_ run: URL, data: URL, extra: [String: String] = [:]) throws -> RecurProcess {
        let args = ["run", "char-lm"] + Self.tiny(["--steps": "100000", "--log-every": "1", "--eval-every": "100000"].merging(extra) { $1 })
            + ["--data", data.path, "--run-dir", run.path]
        let process = try RecurProcess(args, in: work)
        let deadline = Date().addingTimeInterval(60)
        while (try? Data(contentsOf: run.appendingPathComponent("log.jsonl")))?.isEmpty != false {
            guard process.isRunning, Date() < deadline else {
                process.send(SIGKILL)
                XCTFail("the run never logged a step: \(process.wait())")
                throw XCTSkip("no running fixture")
            }
            usleep(10_000)
        }
        return process
    }

    func testASecondProcessOnARunDirectoryIsRefusedWhileTheFirstTrains() throws {
        let data = try corpus()
        let run = work.appendingPathComponent("busy")
        let first = try startLongRun(run, data: data)
        defer { first.send(SIGKILL); _ = first.wait() }
        let config = try Data(contentsOf: run.appendingPathComponent("config.json"))
        assertUserError(try recur(["resume", run.path, "--steps", "200000"]), contains: [run.path, "is in use by another recur run or resume"])
        let overwrite = try recur(["run", "char-lm"] + Self.tiny(["--hidden": "12"]) + ["--data", data.path, "--run-dir", run.path, "--overwrite"])
        assertUserError(overwrite, contains: ["is in use by another recur"])
        XCTAssertEqual(try Data(contentsOf: run.appendingPathComponent("config.json")), config, "the first run's config must stand")
        XCTAssertTrue(first.isRunning)
    }

    func testRunsStartedInTheSameSecondGetTheirOwnDirectories() throws {
        let data = try corpus()
        let processes = try (0..<3).map { _ in
            try RecurProcess(["run", "char-lm"] + Self.tiny(["--steps": "2"]) + ["--data", data.path], in: work)
        }
        for process in processes { XCTAssertEqual(process.wait().status, 0) }
        let runs = try FileManager.default.contentsOfDirectory(atPath: path("workspace/runs")).sorted()
        XCTAssertEqual(runs.count, 3, "\(runs)")
        for name in runs { XCTAssertTrue(exists("workspace/runs/\(name)/checkpoint.safetensors"), name) }
    }

    func testAFailedResumeOfABundleLeavesNothingBehind() throws {
        let data = try corpus()
        let run = try trainTinyRun("source", data: data)
        let bundle = work.appendingPathComponent("b.recur")
        XCTAssertEqual(try recur(["export", run.path, "-o", bundle.path]).status, 0)
        // The bundle is at its planned length already: the resume fails after unpacking.
        assertUserError(try recur(["resume", bundle.path, "--data", data.path]), contains: ["already at step 5"])
        let left = (try? FileManager.default.contentsOfDirectory(atPath: path("workspace/runs"))) ?? []
        XCTAssertEqual(left, [], "a failed resume must not leave a run directory")
        assertUserError(try recur(["resume", bundle.path, "--data", data.path, "--run-dir", path("mine")]), contains: ["already at step 5"])
        XCTAssertFalse(exists("mine"))
    }

    /// The first Ctrl-C saves, then runs the final evaluation (long on a big validation split);
    /// a second Ctrl-C during it ends the process at once, and the checkpoint is already there.
    func testASecondCtrlCDuringTheFinalEvaluationLosesNothing() throws {
        let data = try corpus(characters: 400_000)
        let run = work.appendingPathComponent("long")
        let process = try startLongRun(run, data: data, extra: ["--checkpoint-every": "100000"])
        let checkpoint = run.appendingPathComponent("checkpoint.safetensors")
        XCTAssertFalse(exists("long/checkpoint.safetensors"))
        process.send(SIGINT)
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: checkpoint.path) && process.isRunning && Date() < deadline { usleep(2_000) }
        let stillEvaluating = process.isRunning
        let evaluated = (try? String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8))?.contains("val_loss") ?? false
        process.send(SIGINT)
        let result = process.wait(timeout: 30)
        XCTAssertFalse(result.timedOut, "\(result)")
        XCTAssertEqual(result.status, 130, "\(result)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: checkpoint.path), "\(result)")
        XCTAssertTrue(stillEvaluating, "the validation pass should still have been running when the checkpoint appeared")
        XCTAssertFalse(evaluated, "the checkpoint must be written before the final validation pass, not after it")
    }

    /// kill -9 after a log line but before the next checkpoint: resume trims the log, so no step
    /// is logged twice; the dead process's temporary files are removed, a live one's are not.
    func testResumeAfterKillTrimsTheLogAndRemovesStaleTemporaries() throws {
        let data = try corpus()
        let run = try trainTinyRun("killed", data: data, extra: ["--log-every": "1"])
        let log = run.appendingPathComponent("log.jsonl")
        var text = try String(contentsOf: log, encoding: .utf8)
        text += #"{"loss":9.9,"step":6}"# + "\n" + #"{"loss":9.8,"step":7}"# + "\n"
        try text.write(to: log, atomically: true, encoding: .utf8)
        var dead: Int32 = 4_000_000
        while kill(dead, 0) == 0 || errno != ESRCH { dead -= 1 }
        try write("killed/.checkpoint.safetensors.tmp-\(dead)", "partial")
        try write("killed/.log.jsonl.tmp-\(getpid())", "someone else's, still alive")
        let resumed = try recur(["resume", run.path, "--steps", "8"])
        XCTAssertEqual(resumed.status, 0, "\(resumed)")
        let losses = try stepLosses(run)
        XCTAssertEqual(losses.keys.sorted(), Array(1...8))
        XCTAssertNotEqual(losses[6], 9.9)
        XCTAssertFalse(exists("killed/.checkpoint.safetensors.tmp-\(dead)"))
        XCTAssertTrue(exists("killed/.log.jsonl.tmp-\(getpid())"))
    }

    func testOverwriteRemovesTheOldRunsArtifacts() throws {
        let data = try corpus()
        let run = try trainTinyRun("again", data: data)
        try write("again/confusion.txt", "the old run's")
        try write("again/kept.recur", "a bundle the user exported here")
        let result = try recur(["run", "char-lm"] + Self.tiny([:]) + ["--data", data.path, "--run-dir", run.path, "--overwrite"])
        XCTAssertEqual(result.status, 0, "\(result)")
        XCTAssertFalse(exists("again/confusion.txt"))
        XCTAssertTrue(exists("again/kept.recur"))
        XCTAssertTrue(exists("again/vocab.json"))
    }

    /// export and import clean up after exports and imports that were killed in the same place.
    func testExportAndImportRemoveStaleTemporariesOfDeadProcesses() throws {
        let run = try trainTinyRun("source", data: try corpus())
        var dead: Int32 = 4_000_000
        while kill(dead, 0) == 0 || errno != ESRCH { dead -= 1 }
        try FileManager.default.createDirectory(at: work.appendingPathComponent("out"), withIntermediateDirectories: true)
        try write("out/.b.recur.tmp-\(dead)", "half a bundle")
        XCTAssertEqual(try recur(["export", run.path, "-o", path("out/b.recur")]).status, 0)
        XCTAssertFalse(exists("out/.b.recur.tmp-\(dead)"))
        try FileManager.default.createDirectory(at: work.appendingPathComponent("lib/.b.importing-\(dead)"), withIntermediateDirectories: true)
        try write("lib/.b.importing-\(dead)/config.json", "{}")
        XCTAssertEqual(try recur(["import", path("out/b.recur"), "--into", path("lib")]).status, 0)
        XCTAssertFalse(exists("lib/.b.importing-\(dead)"))
        XCTAssertTrue(exists("lib/b/checkpoint.safetensors"))
    }
}
