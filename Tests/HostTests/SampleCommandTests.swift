import Foundation
import XCTest

/// `recur sample` refusals: bad temperatures, a directory that is not a run, a prime the model
/// cannot read — each with a clear message and the run left untouched.
final class SampleCommandTests: HostTestCase {
    private var run: URL!

    override func setUpWithError() throws {
        try super.setUpWithError()
        run = try trainTinyRun("run", data: try corpus())
    }

    func testZeroTemperatureIsRefused() throws {
        let before = try snapshot(run)
        let result = try recur(["sample", run.path, "--temperature", "0"])
        assertUsageError(result, contains: ["--temperature must be positive (got 0.0)"])
        XCTAssertEqual(result.stdout, "", "nothing should be sampled: \(result)")
        try assertUnchanged(run, since: before, "sample --temperature 0")
    }

    func testNegativeTemperatureIsRefused() throws {
        let before = try snapshot(run)
        let joined = try recur(["sample", run.path, "--temperature=-1"])
        assertUsageError(joined, contains: ["--temperature must be positive (got -1.0)"])
        XCTAssertEqual(joined.stdout, "")
        // As a separate word "-1" looks like an option to argument-parser: still refused, naming the flag.
        let separate = try recur(["sample", run.path, "--temperature", "-1"])
        assertUsageError(separate, contains: ["--temperature"])
        XCTAssertEqual(separate.stdout, "")
        try assertUnchanged(run, since: before, "sample --temperature -1")
    }

    func testInfiniteTemperatureIsRefused() throws {
        let result = try recur(["sample", run.path, "--temperature", "inf"])
        assertUsageError(result, contains: ["--temperature"])
    }

    func testNonPositiveTopKAndNegativeLengthAreRefused() throws {
        assertUsageError(try recur(["sample", run.path, "--top-k", "0"]), contains: ["--top-k must be at least 1 (got 0)"])
        assertUsageError(try recur(["sample", run.path, "--length=-5"]), contains: ["--length must not be negative (got -5)"])
    }

    /// A positive but subnormal temperature turns every logit into ±inf. It must either be refused or
    /// sample (greedily); it must not crash.
    func testTinyPositiveTemperatureDoesNotCrash() throws {
        let result = try recur(["sample", run.path, "--prime", "The ", "--length", "10", "--temperature", "1e-40"])
        guard assertDidNotCrash(result) else { return }
        XCTAssertTrue([0, 1, 64].contains(result.status), "unexpected status: \(result)")
        if result.status == 0 {
            XCTAssertTrue(result.stdout.hasPrefix("The "), "\(result)")
            XCTAssertEqual(result.stdout.dropLast().unicodeScalars.count, 4 + 10, "\(result)")
        } else {
            XCTAssertTrue(result.stderr.contains("--temperature"), "a refusal should name --temperature: \(result)")
        }
    }

    func testDirectoryThatIsNotARunIsRefused() throws {
        let plain = work.appendingPathComponent("not-a-run")
        try FileManager.default.createDirectory(at: plain, withIntermediateDirectories: true)
        try Data("just a file".utf8).write(to: plain.appendingPathComponent("notes.txt"))
        let before = try snapshot(plain)
        let result = try recur(["sample", plain.path])
        assertUserError(result, contains: [plain.path, "not a run directory", "config.json"])
        XCTAssertEqual(result.stdout, "")
        try assertUnchanged(plain, since: before, "sample from a plain directory")
    }

    func testMissingRunDirectoryIsRefused() throws {
        let missing = path("no-such-run")
        let result = try recur(["sample", missing])
        assertUserError(result, contains: [missing, "no such run directory"])
        XCTAssertFalse(exists("no-such-run"), "sample must not create the directory")
    }

    func testRunWithoutCheckpointIsRefused() throws {
        // A run directory whose training never wrote a checkpoint (config and vocabulary only).
        let partial = work.appendingPathComponent("partial")
        try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
        for name in ["config.json", "vocab.json"] {
            try FileManager.default.copyItem(at: run.appendingPathComponent(name), to: partial.appendingPathComponent(name))
        }
        let result = try recur(["sample", partial.path])
        assertUserError(result, contains: ["no checkpoint"])
        XCTAssertFalse(exists("partial/checkpoint.safetensors"))
    }

    func testPrimeWithUnknownCharacterIsRefusedNamingIt() throws {
        let before = try snapshot(run)
        // The corpus has no 'Z' and no 'é'.
        let capital = try recur(["sample", run.path, "--prime", "Zebra", "--length", "5"])
        assertUserError(capital, contains: ["--prime", "'Z'", "U+005A", "vocabulary"])
        XCTAssertEqual(capital.stdout, "", "nothing should be printed for a refused prime: \(capital)")

        let accented = try recur(["sample", run.path, "--prime", "Thé", "--length", "5"])
        assertUserError(accented, contains: ["--prime", "'é'", "U+00E9", "column 3"])
        XCTAssertEqual(accented.stdout, "")
        try assertUnchanged(run, since: before, "sample with a bad prime")
    }
}
