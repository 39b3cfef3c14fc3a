import Foundation
import XCTest

/// Shared set-up for the CLI tests: a fresh temporary directory per test (removed afterwards),
/// small corpora, the tiny model flags, and checks that a failed command left files alone.
class HostTestCase: XCTestCase {
    /// This test's own directory; everything the test writes goes here.
    private(set) var work: URL!

    override func setUpWithError() throws {
        try super.setUpWithError()
        work = FileManager.default.temporaryDirectory
            .appendingPathComponent("recur-host-\(UUID().uuidString)", isDirectory: true)
            .standardizedFileURL
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let work { try? FileManager.default.removeItem(at: work) }
        work = nil
        try super.tearDownWithError()
    }

    // MARK: Running

    /// Runs `recur arguments…` in this test's directory.
    @discardableResult
    func recur(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 120,
               file: StaticString = #filePath, line: UInt = #line) throws -> RecurResult {
        let result = try RecurProcess.run(arguments, in: work, environment: environment, timeout: timeout)
        XCTAssertFalse(result.timedOut, "timed out: \(result)", file: file, line: line)
        return result
    }

    /// Flags of a model small enough for a debug build.
    static let tiny = ["--hidden", "8", "--embedding", "4", "--batch", "2", "--seq-len", "8", "--steps", "5", "--eval-every", "5"]

    /// `tiny` with some flags replaced or added (`["--steps": "12"]`).
    static func tiny(_ overrides: [String: String]) -> [String] {
        var args = tiny
        for (flag, value) in overrides.sorted(by: { $0.key < $1.key }) {
            if let i = args.firstIndex(of: flag) { args[i + 1] = value } else { args += [flag, value] }
        }
        return args
    }

    // MARK: Files

    /// Repeated English sentences: about `characters` characters, all ASCII.
    static func englishText(characters: Int = 600) -> String {
        let sentences = ["The quick brown fox jumps over the lazy dog. ", "A small cat sat on the warm mat. ",
                         "Rain falls on the green hills in spring.\n"]
        var text = ""
        var i = 0
        while text.count < characters {
            text += sentences[i % sentences.count]
            i += 1
        }
        return text
    }

    /// Writes `text` (or raw bytes) to `name` in the work directory.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL { try write(name, bytes: Array(text.utf8)) }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> URL {
        let url = work.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// A corpus file of repeated English sentences.
    func corpus(_ name: String = "corpus.txt", characters: Int = 600) throws -> URL {
        try write(name, Self.englishText(characters: characters))
    }

    func path(_ name: String) -> String { work.appendingPathComponent(name).path }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    /// Trains a tiny run into `name` and checks that it worked.
    @discardableResult
    func trainTinyRun(_ name: String, data: URL, extra: [String: String] = [:],
                      file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        let result = try recur(["run", "char-lm"] + Self.tiny(extra) + ["--data", data.path, "--run-dir", path(name)],
                               file: file, line: line)
        XCTAssertEqual(result.status, 0, "training the fixture run failed: \(result)", file: file, line: line)
        XCTAssertTrue(exists("\(name)/checkpoint.safetensors"), "no checkpoint in the fixture run", file: file, line: line)
        return work.appendingPathComponent(name)
    }

    /// Every regular file under `directory` (relative path → bytes), to prove a command changed nothing.
    func snapshot(_ directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return files
        }
        let base = directory.standardizedFileURL.resolvingSymlinksInPath().path
        for case let url as URL in enumerator {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            let full = url.standardizedFileURL.resolvingSymlinksInPath().path
            let relative = full.hasPrefix(base) ? String(full.dropFirst(base.count)) : full
            files[relative] = try Data(contentsOf: url)
        }
        return files
    }

    /// Asserts that `directory` holds exactly the files of `before`, byte for byte.
    func assertUnchanged(_ directory: URL, since before: [String: Data], _ context: @autoclosure () -> String,
                         file: StaticString = #filePath, line: UInt = #line) throws {
        let after = try snapshot(directory)
        XCTAssertEqual(Set(after.keys), Set(before.keys), "files of \(directory.lastPathComponent) changed: \(context())",
                       file: file, line: line)
        for (name, data) in before where after[name] != nil && after[name] != data {
            XCTFail("\(directory.lastPathComponent)\(name) was modified: \(context())", file: file, line: line)
        }
    }

    // MARK: JSON

    /// Parses one JSON object.
    func jsonObject(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))
        return try XCTUnwrap(object as? [String: Any], "not one JSON object: \(text)", file: file, line: line)
    }

    /// Runs `recur arguments…`, which must succeed, and parses the one JSON object it prints
    /// (a `--json` command); the result comes back too, for messages.
    func recurJSON(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> (object: [String: Any], result: RecurResult) {
        let result = try recur(arguments, file: file, line: line)
        XCTAssertEqual(result.status, 0, "\(result)", file: file, line: line)
        return (try jsonObject(result.stdout, file: file, line: line), result)
    }

    /// The objects of a run's log.jsonl, in order.
    func logEntries(_ run: URL, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        let text = try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { try jsonObject(String($0), file: file, line: line) }
    }

    /// `step → loss` of the per-step lines of a log (evaluation lines have no `loss`).
    func stepLosses(_ run: URL, file: StaticString = #filePath, line: UInt = #line) throws -> [Int: Double] {
        var losses: [Int: Double] = [:]
        for entry in try logEntries(run, file: file, line: line) {
            if let step = (entry["step"] as? NSNumber)?.intValue, let loss = (entry["loss"] as? NSNumber)?.doubleValue {
                XCTAssertNil(losses[step], "step \(step) logged twice in \(run.lastPathComponent)", file: file, line: line)
                losses[step] = loss
            }
        }
        return losses
    }

    func double(_ object: [String: Any], _ key: String, file: StaticString = #filePath, line: UInt = #line) throws -> Double {
        try XCTUnwrap((object[key] as? NSNumber)?.doubleValue, "no number \(key) in \(object)", file: file, line: line)
    }

    // MARK: Refusals

    /// Asserts the one-line `recur: …` refusal with exit status 1 that user errors get.
    func assertUserError(_ result: RecurResult, contains fragments: [String],
                         file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 1, "expected exit status 1: \(result)", file: file, line: line)
        XCTAssertNil(result.signal, "crashed: \(result)", file: file, line: line)
        let lines = result.stderrLines
        XCTAssertEqual(lines.count, 1, "expected one stderr line: \(result)", file: file, line: line)
        XCTAssertTrue(lines.first?.hasPrefix("recur: ") ?? false, "stderr should start with `recur: `: \(result)",
                      file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(result.stderr.contains(fragment), "stderr lacks \(fragment.debugDescription): \(result)",
                          file: file, line: line)
        }
    }

    /// Asserts an argument-parser validation refusal (exit status 64) mentioning `fragments`.
    func assertUsageError(_ result: RecurResult, contains fragments: [String],
                          file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 64, "expected exit status 64: \(result)", file: file, line: line)
        XCTAssertNil(result.signal, "crashed: \(result)", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(result.stderr.contains(fragment), "stderr lacks \(fragment.debugDescription): \(result)",
                          file: file, line: line)
        }
    }

    /// Asserts the process ended by itself rather than by a trap or signal; false (after one failure) if not.
    @discardableResult
    func assertDidNotCrash(_ result: RecurResult, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        guard result.signal == nil, !result.stderr.contains("Fatal error") else {
            XCTFail("recur crashed: \(result)", file: file, line: line)
            return false
        }
        return true
    }
}
