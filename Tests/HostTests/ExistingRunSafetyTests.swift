import Foundation
import XCTest

/// Commands refused on an existing run (`run` without `--overwrite`, `resume` with nothing to do,
/// `eval --data` with an unreadable file) say why and leave every file of the run byte-identical.
final class ExistingRunSafetyTests: HostTestCase {
    private var data: URL!
    private var run: URL!

    override func setUpWithError() throws {
        try super.setUpWithError()
        data = try corpus()
        run = try trainTinyRun("run", data: data)
    }

    func testRunIntoAnExistingRunWithoutOverwriteIsRefused() throws {
        let before = try snapshot(run)
        let result = try recur(["run", "char-lm"] + Self.tiny + ["--data", data.path, "--run-dir", run.path])
        assertUserError(result, contains: [run.path, "already holds a run", "--overwrite", "recur resume"])
        try assertUnchanged(run, since: before, "refused run into an existing run directory")
    }

    func testResumeWithNothingLeftToDoIsRefused() throws {
        let before = try snapshot(run)
        let same = try recur(["resume", run.path, "--steps", "5"])
        assertUserError(same, contains: ["already at step 5", "--steps"])
        let fewer = try recur(["resume", run.path, "--steps", "3"])
        assertUserError(fewer, contains: ["already at step 5"])
        let planned = try recur(["resume", run.path])
        assertUserError(planned, contains: ["already at step 5"])
        let zero = try recur(["resume", run.path, "--steps", "0"])
        XCTAssertEqual(zero.status, 1, "\(zero)")
        XCTAssertTrue(zero.stderr.contains("--steps"), "\(zero)")
        try assertUnchanged(run, since: before, "refused resume")
    }

    func testResumeOfMissingRunIsRefused() throws {
        let missing = path("nowhere")
        let result = try recur(["resume", missing, "--steps", "10"])
        assertUserError(result, contains: [missing, "no such run directory"])
        XCTAssertFalse(exists("nowhere"))
    }

    func testEvalOfFileWithUnknownCharacterIsRefusedNamingIt() throws {
        let before = try snapshot(run)
        let other = try write("other.txt", "The quick brown fox\nsaw a Zebra.\n")
        let result = try recur(["eval", run.path, "--data", other.path])
        assertUserError(result, contains: [other.path, "'Z'", "line 2", "column 7"])
        try assertUnchanged(run, since: before, "eval --data with an unknown character")
    }

    func testEvalOfMissingOrInvalidFileIsRefused() throws {
        let before = try snapshot(run)
        let missing = path("missing.txt")
        assertUserError(try recur(["eval", run.path, "--data", missing]), contains: [missing, "no such file"])
        let bad = try write("bad.txt", bytes: Array("The fox".utf8) + [0xC0, 0x80])
        assertUserError(try recur(["eval", run.path, "--data", bad.path]), contains: [bad.path, "byte offset 7"])
        try assertUnchanged(run, since: before, "eval --data with a bad file")
    }

    func testEvalAndSampleDoNotModifyTheRun() throws {
        let before = try snapshot(run)
        XCTAssertEqual(try recur(["eval", run.path, "--json"]).status, 0)
        XCTAssertEqual(try recur(["eval", run.path, "--data", data.path]).status, 0)
        XCTAssertEqual(try recur(["sample", run.path, "--length", "20"]).status, 0)
        try assertUnchanged(run, since: before, "eval and sample are read-only")
    }
}
