import Foundation
import XCTest

/// `recur run char-lm` with bad data or nonsensical options: one clear message, the right exit
/// status, and nothing on disk touched — no run directory for a refused fresh run, and an existing
/// run left byte-identical even when `--overwrite` was passed.
final class RunInputValidationTests: HostTestCase {
    enum Expected {
        /// `recur: …` on one line, exit status 1.
        case userError([String])
        /// argument-parser validation, exit status 64.
        case usageError([String])
    }

    /// Runs `run <task> tiny… extra… --data data` twice — into a fresh directory and over an existing
    /// run with `--overwrite` — and checks the refusal and that neither directory was changed.
    func assertRefused(task: String = "char-lm", _ extra: [String] = [], data: String? = nil, _ expected: Expected,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let dataPath = try data ?? corpus().path
        let base = ["run", task] + Self.tiny + extra + ["--data", dataPath]

        let fresh = work.appendingPathComponent("fresh-\(UUID().uuidString.prefix(8))")
        let first = try recur(base + ["--run-dir", fresh.path], file: file, line: line)
        check(first, expected, file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: fresh.path),
                       "a refused run created its run directory \(fresh.lastPathComponent) (holding \((try? FileManager.default.contentsOfDirectory(atPath: fresh.path)) ?? [])): \(first)",
                       file: file, line: line)

        let existing = work.appendingPathComponent("existing")
        if !FileManager.default.fileExists(atPath: existing.appendingPathComponent("checkpoint.safetensors").path) {
            try trainTinyRun("existing", data: try corpus("existing-corpus.txt"), file: file, line: line)
        }
        let before = try snapshot(existing)
        let second = try recur(base + ["--run-dir", existing.path, "--overwrite"], file: file, line: line)
        check(second, expected, file: file, line: line)
        try assertUnchanged(existing, since: before, "a refused `run --overwrite` must leave the old run alone: \(second)",
                            file: file, line: line)
    }

    private func check(_ result: RecurResult, _ expected: Expected, file: StaticString, line: UInt) {
        switch expected {
        case .userError(let fragments): assertUserError(result, contains: fragments, file: file, line: line)
        case .usageError(let fragments): assertUsageError(result, contains: fragments, file: file, line: line)
        }
    }

    // MARK: Data files

    func testMissingDataFileIsRefused() throws {
        let missing = path("no-such-corpus.txt")
        try assertRefused(data: missing, .userError([missing, "no such file"]))
    }

    func testEmptyDataFileIsRefused() throws {
        let empty = try write("empty.txt", "")
        try assertRefused(data: empty.path, .userError([empty.path, "empty"]))
    }

    func testDirectoryAsDataFileIsRefused() throws {
        let directory = work.appendingPathComponent("a-directory")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try assertRefused(data: directory.path, .userError([directory.path, "directory"]))
    }

    /// 50 lines of "hello\n" (300 bytes), then "café" (5 bytes: é is two), then 0xFF: the bad byte is at
    /// offset 305 on line 51.
    func testInvalidUTF8IsRefusedWithByteOffset() throws {
        let bytes = Array(String(repeating: "hello\n", count: 50).utf8) + Array("café".utf8) + [0xFF] + Array(" and more text".utf8)
        let bad = try write("bad.txt", bytes: bytes)
        try assertRefused(data: bad.path, .userError([bad.path, "invalid UTF-8", "byte offset 305", "line 51", "0xFF"]))
    }

    /// A three-byte sequence cut short after two bytes (E2 82, then ASCII) at offset 300.
    func testTruncatedUTF8SequenceIsRefusedWithByteOffset() throws {
        let bytes = Array(Self.englishText(characters: 300).utf8.prefix(300)) + [0xE2, 0x82] + Array("xyz".utf8)
        let bad = try write("truncated.txt", bytes: bytes)
        try assertRefused(data: bad.path, .userError([bad.path, "invalid UTF-8", "byte offset 300"]))
    }

    /// Ten characters cannot fill one batch of 2 rows × 9 characters (18 needed in the 90% split).
    func testCorpusShorterThanOneBatchIsRefused() throws {
        let short = try write("short.txt", "abcdefghij")
        try assertRefused(data: short.path, .userError([short.path, "too short", "--batch", "--seq-len"]))
    }

    /// Ten characters with `--batch 1 --seq-len 1` train, but the last 10% (one character) cannot be scored.
    func testCorpusWithoutAValidationSplitIsRefused() throws {
        let short = try write("short.txt", "abcdefghij")
        try assertRefused(["--batch", "1", "--seq-len", "1"], data: short.path,
                          .userError([short.path, "validation split"]))
    }

    // MARK: Names

    func testUnknownTaskListsCharLM() throws {
        try assertRefused(task: "char-ln", [], .userError(["unknown task 'char-ln'", "char-lm"]))
    }

    func testUnknownCellListsCellsClosestFirst() throws {
        try assertRefused(["--cell", "lstn"], .userError(["unknown cell 'lstn'", "available: lstm, ", "gru", "rnn"]))
        try assertRefused(["--cell", "grv"], .userError(["unknown cell 'grv'", "available: gru, ", "lstm", "rnn"]))
        try assertRefused(["--cell", "rnm"], .userError(["unknown cell 'rnm'", "available: rnn, ", "gru", "lstm"]))
    }

    // MARK: Numbers

    func testNonPositiveSizesAreRefused() throws {
        try assertRefused(["--hidden=-3"], .userError(["--hidden must be at least 1 (got -3)"]))
        try assertRefused(["--seq-len", "0"], .userError(["--seq-len must be at least 1 (got 0)"]))
        try assertRefused(["--batch", "0"], .userError(["--batch must be at least 1 (got 0)"]))
        try assertRefused(["--layers", "0"], .userError(["--layers must be at least 1 (got 0)"]))
        try assertRefused(["--steps", "0"], .userError(["--steps must be at least 1 (got 0)"]))
        try assertRefused(["--eval-every", "0"], .userError(["--eval-every must be at least 1 (got 0)"]))
        try assertRefused(["--embedding", "0"], .usageError(["--embedding 0: expected an integer ≥ 1", "task 'char-lm'"]))
    }

    /// `--hidden -3` as two words: numbers parse unconditionally, so "-3" is the value and the
    /// refusal is the same clear range message as for `--hidden=-3`.
    func testNegativeValueAsSeparateWordIsRefused() throws {
        try assertRefused(["--hidden", "-3"], .userError(["--hidden must be at least 1 (got -3)"]))
        try assertRefused(["--lr", "-1"], .userError(["--lr must be positive"]))
    }

    func testDropoutOutsideZeroToOneIsRefused() throws {
        try assertRefused(["--dropout", "1.5"], .userError(["--dropout must be in [0, 1) (got 1.5)"]))
        try assertRefused(["--dropout", "1"], .userError(["--dropout must be in [0, 1)"]))
    }

    func testNonPositiveLearningRateIsRefused() throws {
        try assertRefused(["--lr", "0"], .userError(["--lr must be positive"]))
        try assertRefused(["--lr=-0.1"], .userError(["--lr must be positive"]))
        try assertRefused(["--lr", "nan"], .userError(["--lr must be positive"]))
    }

    func testNegativeClipIsRefused() throws {
        try assertRefused(["--clip=-1"], .userError(["--clip must be 0 (off) or positive"]))
    }

    func testRecomputeThatCannotWorkIsRefused() throws {
        try assertRefused(["--recompute", "-1"], .userError(["--recompute must be 0 (off) or a positive segment length K (got -1)"]))
        try assertRefused(["--recompute", "4", "--no-fused"], .userError(["--recompute works on the fused path only"]))
        try assertRefused(["--recompute", "4", "--cell", "indrnn"], .userError(["--recompute: cell 'indrnn' has no fused path"]))
    }

    func testNonNumericValueIsAUsageError() throws {
        try assertRefused(["--hidden", "many"], .usageError(["--hidden", "many"]))
    }

    // MARK: Options

    func testMisspelledTaskOptionIsRefusedListingTheRealOne() throws {
        try assertRefused(["--embeding", "4"], .usageError(["has no option --embeding; did you mean --embedding?"]))
    }

    func testBidirectionalIsRefusedForCharLM() throws {
        try assertRefused(["--bidirectional"], .userError(["--bidirectional", "char-lm"]))
    }
}
