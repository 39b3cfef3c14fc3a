import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `--config FILE`: a JSON run config (such as an earlier run's config.json) is the starting point,
/// flags override it, and a bad file is refused naming it.
final class ConfigFileTests: HostTestCase {
    func testConfigFileThenFlags() throws {
        let data = try corpus()
        let config = try write("base.json", #"{"batch": 3, "seqLen": 6, "stack": {"hiddenSize": 10}, "taskOptions": {"embedding": "5"}}"#)
        let result = try recur(["run", "char-lm", "--config", config.path, "--hidden", "12", "--steps", "2", "--eval-every", "2",
                                "--data", data.path, "--run-dir", path("from-config")])
        XCTAssertEqual(result.status, 0, "\(result)")
        let written = try jsonObject(String(decoding: try Data(contentsOf: work.appendingPathComponent("from-config/config.json")), as: UTF8.self))
        XCTAssertEqual(written["batch"] as? Int, 3)
        XCTAssertEqual(written["seqLen"] as? Int, 6)
        XCTAssertEqual((written["stack"] as? [String: Any])?["hiddenSize"] as? Int, 12, "a flag beats the file")
        // The file is in the old text form ("5"); config.json stores the typed value.
        XCTAssertEqual((written["taskOptions"] as? [String: Any])?["embedding"] as? Int, 5)
        XCTAssertEqual(written["format"] as? Int, 3)

        // A run's own config.json reproduces it.
        let again = try recur(["run", "char-lm", "--config", path("from-config/config.json"), "--run-dir", path("again")])
        XCTAssertEqual(again.status, 0, "\(again)")
        XCTAssertEqual(try stepLosses(work.appendingPathComponent("again")), try stepLosses(work.appendingPathComponent("from-config")))
    }

    func testBadConfigFileIsRefused() throws {
        let notJSON = try write("bad.json", "batch = 3")
        assertUserError(try recur(["run", "char-lm", "--config", notJSON.path, "--run-dir", path("x")]), contains: [notJSON.path, "not a JSON object"])
        let wrongType = try write("wrong.json", #"{"batch": "many"}"#)
        assertUserError(try recur(["run", "char-lm", "--config", wrongType.path, "--run-dir", path("y")]),
                        contains: [wrongType.path, "not a valid run config"])
        XCTAssertFalse(exists("x") || exists("y"))

        // Not a regular file: one line, and no hang on a FIFO.
        let fifo = work.appendingPathComponent("config.fifo")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        assertUserError(try recur(["run", "char-lm", "--config", fifo.path, "--run-dir", path("z")], timeout: 20),
                        contains: [fifo.path, "is a FIFO"])
        assertUserError(try recur(["run", "char-lm", "--config", work.path, "--run-dir", path("z")]),
                        contains: [work.path, "is a directory"])
        XCTAssertFalse(exists("z"))
    }
}
