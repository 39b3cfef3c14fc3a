import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// kill -9 at arbitrary moments while checkpoints are being written every step: the checkpoint
/// on disk always loads, because it is replaced by rename, never rewritten in place.
final class CrashSafetyTests: HostTestCase {
    func testKillNineNeverLeavesATornCheckpoint() throws {
        let data = try corpus()
        for round in 0..<3 {
            let run = work.appendingPathComponent("killed-\(round)")
            let args = ["run", "char-lm"] + Self.tiny(["--steps": "100000", "--checkpoint-every": "1", "--eval-every": "100000"])
                + ["--data", data.path, "--run-dir", run.path]
            let process = try RecurProcess(args, in: work)
            let checkpoint = run.appendingPathComponent("checkpoint.safetensors")
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: checkpoint.path) && Date() < deadline && process.isRunning { usleep(5_000) }
            usleep(UInt32(20_000 + round * 37_000))   // land somewhere inside the stream of checkpoint writes
            process.send(SIGKILL)
            let result = process.wait(timeout: 30)
            XCTAssertEqual(result.signal, SIGKILL, "\(result)")
            let eval = try recur(["eval", run.path, "--json"])
            XCTAssertEqual(eval.status, 0, "round \(round): the checkpoint left by kill -9 must load: \(eval)")
            let export = try recur(["export", run.path, "-o", work.appendingPathComponent("bundle-\(round).recur").path])
            XCTAssertEqual(export.status, 0, "\(export)")
        }
    }

    /// The same for `best.safetensors`, rewritten at every evaluation that improves (here,
    /// every step while the loss falls).
    func testKillNineNeverLeavesATornBestCheckpoint() throws {
        let data = try corpus()
        for round in 0..<3 {
            let run = work.appendingPathComponent("killed-best-\(round)")
            let args = ["run", "char-lm"] + Self.tiny(["--steps": "100000", "--eval-every": "1", "--checkpoint-every": "1", "--lr": "0.01"])
                + ["--keep-best", "--data", data.path, "--run-dir", run.path]
            let process = try RecurProcess(args, in: work)
            let best = run.appendingPathComponent("best.safetensors")
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: best.path) && Date() < deadline && process.isRunning { usleep(5_000) }
            usleep(UInt32(20_000 + round * 37_000))
            process.send(SIGKILL)
            XCTAssertEqual(process.wait(timeout: 30).signal, SIGKILL)
            let eval = try recur(["eval", run.path, "--best", "--json"])
            XCTAssertEqual(eval.status, 0, "round \(round): the best checkpoint left by kill -9 must load: \(eval)")
        }
    }

    func testSIGTERMCheckpointsAndExits143() throws {
        let data = try corpus()
        let run = work.appendingPathComponent("terminated")
        let args = ["run", "char-lm"] + Self.tiny(["--steps": "100000", "--log-every": "1", "--eval-every": "100000"])
            + ["--data", data.path, "--run-dir", run.path]
        let process = try RecurProcess(args, in: work)
        let log = run.appendingPathComponent("log.jsonl")
        let deadline = Date().addingTimeInterval(60)
        while (try? Data(contentsOf: log))?.isEmpty != false && Date() < deadline && process.isRunning { usleep(10_000) }
        process.send(SIGTERM)
        let result = process.wait(timeout: 60)
        XCTAssertEqual(result.status, 143, "\(result)")
        XCTAssertTrue(result.stdout.contains("recur resume"), "\(result)")
        XCTAssertEqual(try recur(["eval", run.path]).status, 0)
    }
}
