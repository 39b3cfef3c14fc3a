import Foundation
import XCTest

/// 12 steps straight ≡ 6 steps + `recur resume --steps 12`: the same per-step losses for steps 7…12
/// and the same final weights (compared through `recur eval --json`).
final class ResumeEquivalenceTests: HostTestCase {
    private func assertResumeEquivalent(_ extra: [String: String], data: URL, task: String = "char-lm", flags: [String] = [],
                                        file: StaticString = #filePath, line: UInt = #line) throws {
        var overrides = ["--log-every": "1", "--eval-every": "5"]
        for (k, v) in extra { overrides[k] = v }
        let a = work.appendingPathComponent("straight"), b = work.appendingPathComponent("resumed")

        let runA = try recur(["run", task] + flags + Self.tiny(overrides.merging(["--steps": "12"]) { $1 })
                             + ["--data", data.path, "--run-dir", a.path], file: file, line: line)
        XCTAssertEqual(runA.status, 0, "\(runA)", file: file, line: line)
        let runB = try recur(["run", task] + flags + Self.tiny(overrides.merging(["--steps": "6"]) { $1 })
                             + ["--data", data.path, "--run-dir", b.path], file: file, line: line)
        XCTAssertEqual(runB.status, 0, "\(runB)", file: file, line: line)
        let resume = try recur(["resume", b.path, "--steps", "12"], file: file, line: line)
        XCTAssertEqual(resume.status, 0, "\(resume)", file: file, line: line)
        XCTAssertTrue(resume.stdout.contains("resuming \(task) at step 6 of 12"), "\(resume)", file: file, line: line)

        let lossesA = try stepLosses(a, file: file, line: line), lossesB = try stepLosses(b, file: file, line: line)
        XCTAssertEqual(lossesA.keys.sorted(), Array(1...12), file: file, line: line)
        XCTAssertEqual(lossesB.keys.sorted(), Array(1...12), file: file, line: line)
        for step in 1...12 {
            let la = try XCTUnwrap(lossesA[step], file: file, line: line), lb = try XCTUnwrap(lossesB[step], file: file, line: line)
            XCTAssertEqual(la, lb, accuracy: 1e-6, "step \(step): straight \(la) vs resumed \(lb)", file: file, line: line)
        }

        let evalA = try recur(["eval", a.path, "--json"], file: file, line: line)
        let evalB = try recur(["eval", b.path, "--json"], file: file, line: line)
        XCTAssertEqual(evalA.status, 0, "\(evalA)", file: file, line: line)
        XCTAssertEqual(evalB.status, 0, "\(evalB)", file: file, line: line)
        let metricsA = try jsonObject(evalA.stdout, file: file, line: line), metricsB = try jsonObject(evalB.stdout, file: file, line: line)
        XCTAssertEqual((metricsA["step"] as? NSNumber)?.intValue, 12, file: file, line: line)
        XCTAssertEqual((metricsB["step"] as? NSNumber)?.intValue, 12, file: file, line: line)
        XCTAssertEqual(try double(metricsA, "val_loss", file: file, line: line), try double(metricsB, "val_loss", file: file, line: line),
                       "final weights differ", file: file, line: line)
        // Same weights sample the same text.
        let sampleA = try recur(["sample", a.path, "--length", "40", "--seed", "5"], file: file, line: line)
        let sampleB = try recur(["sample", b.path, "--length", "40", "--seed", "5"], file: file, line: line)
        XCTAssertEqual(sampleA.status, 0, "\(sampleA)", file: file, line: line)
        XCTAssertEqual(sampleA.stdout, sampleB.stdout, file: file, line: line)
    }

    func testResumeContinuesExactly() throws {
        try assertResumeEquivalent([:], data: try corpus())
    }

    /// Training randomness (dropout between two layers) and an epoch boundary must resume too: the
    /// 100-character corpus gives 90 training characters, rows of 45 and 5 batches per epoch, so the resumed
    /// step 7 needs the carried state of step 6 and step 11 wraps to the first batch.
    func testResumeContinuesExactlyWithDropoutAndEpochWrap() throws {
        let data = try write("small.txt", String(String(repeating: "the cat sat on the mat. ", count: 5).prefix(100)))
        try assertResumeEquivalent(["--cell": "gru", "--layers": "2", "--dropout": "0.3", "--seed": "7"], data: data)
    }

    /// A tied weight is one parameter with one set of Adam moments, saved under its first name;
    /// resuming must find them (and the dropout stream of word-lm's three dropout places).
    func testTiedWordLMResumesExactly() throws {
        try assertResumeEquivalent(["--embedding": "8", "--layers": "2", "--dropout": "0.3", "--optimizer": "adam", "--lr": "0.01"],
                                   data: try corpus(characters: 1200), task: "word-lm", flags: ["--tied", "--max-vocab", "30"])
    }
}
