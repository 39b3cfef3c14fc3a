import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `recur arena` on a 2 × 2 matrix with tiny budgets: results, re-runs that skip, interrupted
/// arenas that finish exactly, parameter matching, the leaderboard's arithmetic, refusals.
final class ArenaTests: HostTestCase {
    private func arena(_ out: String, extra: [String] = []) -> [String] {
        ["arena", "--cells", "rnn,gru", "--tasks", "adding,copy", "--seeds", "2", "--steps", "4", "--hidden", "6",
         "--task-option", "adding.length=6", "--task-option", "adding.test-size=8", "--task-option", "copy.length=3",
         "--task-option", "copy.test-size=8", "--out", path(out)] + extra
    }

    private func results(_ out: String) throws -> String {
        try String(contentsOf: work.appendingPathComponent("\(out)/results.jsonl"), encoding: .utf8)
    }

    func testMatrixRunsOnceAndRanks() throws {
        let first = try recur(arena("a"))
        XCTAssertEqual(first.status, 0, "\(first)")
        XCTAssertTrue(first.stdout.contains("8 jobs: 0 done, 8 to run"), first.stdout)
        let lines = try results("a").split(separator: "\n")
        XCTAssertEqual(lines.count, 8)
        XCTAssertTrue(exists("a/runs/adding/gru/seed-1/checkpoint.safetensors"), "each job is an ordinary run")
        XCTAssertTrue(exists("a/arena.html"))

        let again = try recur(arena("a", extra: ["--json"]))
        XCTAssertEqual(again.status, 0, "\(again)")
        XCTAssertEqual(try results("a").split(separator: "\n").count, 8, "a re-run adds nothing")
        let board = try jsonObject(again.stdout)
        let tasks = try XCTUnwrap(board["tasks"] as? [[String: Any]])
        XCTAssertEqual(tasks.map { $0["task"] as? String }, ["adding", "copy"])
        // The leaderboard's mean is the mean of the recorded best scores.
        let recorded = try lines.map { try jsonObject(String($0)) }
        for task in tasks {
            for row in try XCTUnwrap(task["rows"] as? [[String: Any]]) {
                let scores = recorded.filter { $0["task"] as? String == task["task"] as? String && $0["cell"] as? String == row["cell"] as? String }
                    .compactMap { ($0["best"] as? NSNumber)?.doubleValue }
                XCTAssertEqual(scores.count, 2)
                XCTAssertEqual(try double(row, "mean"), scores.reduce(0, +) / 2, accuracy: 1e-12)
                let sd = abs(scores[0] - scores[1]) / 2.0.squareRoot()
                XCTAssertEqual(try double(row, "sd"), sd, accuracy: 1e-12)
            }
        }
        XCTAssertEqual(recorded.first?["task"] as? String, "adding")
        XCTAssertNil(recorded.first?["seconds"], "results.jsonl holds no timing, so any number of ranks writes the same file")
    }

    /// Ctrl-C during the matrix checkpoints the job under way; the same command finishes it, and
    /// the results equal those of an arena never interrupted.
    func testInterruptedArenaFinishesExactly() throws {
        XCTAssertEqual(try recur(arena("straight")).status, 0)
        let process = try RecurProcess(arena("interrupted"), in: work)
        let results = work.appendingPathComponent("interrupted/results.jsonl")
        let deadline = Date().addingTimeInterval(120)
        while (try? Data(contentsOf: results))?.isEmpty != false && Date() < deadline && process.isRunning { usleep(5_000) }
        process.send(SIGINT)
        let stopped = process.wait(timeout: 60)
        XCTAssertEqual(stopped.status, 130, "\(stopped)")
        XCTAssertTrue(stopped.stdout.contains("run the same command to continue"), "\(stopped)")
        let finish = try recur(arena("interrupted"))
        XCTAssertEqual(finish.status, 0, "\(finish)")
        XCTAssertTrue(finish.stdout.contains("resuming"), "\(finish)")
        XCTAssertEqual(try self.results("interrupted"), try self.results("straight"))
    }

    /// `--params`: each cell's hidden size is the one whose stack comes nearest the target. On
    /// adding (input 2) a tanh RNN has H(2 + H + 2) parameters and a GRU 3H(2 + H + 2).
    func testParameterMatchingPicksTheNearestHiddenSize() throws {
        let result = try recur(["arena", "--cells", "rnn,gru", "--tasks", "adding", "--seeds", "1", "--steps", "1", "--params", "700",
                                "--task-option", "adding.length=4", "--task-option", "adding.test-size=4", "--out", path("p")])
        XCTAssertEqual(result.status, 0, "\(result)")
        for (cell, count) in [("rnn", { (h: Int) in h * (h + 4) }), ("gru", { (h: Int) in 3 * h * (h + 4) })] {
            let line = try XCTUnwrap(result.stdout.split(separator: "\n").first { $0.hasPrefix("\(cell) on adding: hidden ") }, result.stdout)
            let hidden = try XCTUnwrap(Int(line.split(separator: " ")[4]))
            XCTAssertTrue(line.contains("→ \(count(hidden)) recurrent parameters (target 700)"), String(line))
            XCTAssertLessThanOrEqual(abs(count(hidden) - 700), abs(count(hidden + 1) - 700), String(line))
            XCTAssertLessThanOrEqual(abs(count(hidden) - 700), abs(count(hidden - 1) - 700), String(line))
        }
    }

    /// A results.jsonl line that is not a result stops the arena naming file and line.
    func testBrokenResultsFileNamesItsLine() throws {
        XCTAssertEqual(try recur(arena("b")).status, 0)
        let url = work.appendingPathComponent("b/results.jsonl")
        try (String(contentsOf: url, encoding: .utf8) + "{\"task\": 3}\n").write(to: url, atomically: true, encoding: .utf8)
        assertUserError(try recur(arena("b")), contains: ["results.jsonl:9: not an arena result line"])
    }

    func testRefusals() throws {
        assertUserError(try recur(["arena", "--cells", "rnn", "--tasks", "adding", "--out", path("r")]), contains: ["--steps N or --minutes M"])
        assertUserError(try recur(["arena", "--cells", "rnn,gru", "--tasks", "adding", "--steps", "2", "--baseline", "lstm", "--out", path("r")]),
                        contains: ["--baseline lstm is not one of --cells (rnn, gru)"])
        assertUserError(try recur(["arena", "--cells", "rnn,lstn", "--tasks", "adding", "--steps", "2", "--out", path("r")]), contains: ["lstn", "lstm"])
        assertUserError(try recur(["arena", "--cells", "rnn", "--tasks", "adding", "--steps", "2", "--task-option", "copy.length=3", "--out", path("r")]),
                        contains: ["copy is not one of --tasks"])
        assertUserError(try recur(["arena", "--cells", "rnn", "--tasks", "adding", "--steps", "2", "--params", "lots", "--out", path("r")]),
                        contains: ["--params takes a count"])
        XCTAssertFalse(exists("r"))
    }
}
