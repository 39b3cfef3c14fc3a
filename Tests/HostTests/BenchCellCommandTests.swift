import Foundation
import XCTest

/// `recur bench cell --embedding`: the JSON names the embedding it timed, and a negative width is
/// a usage error (exit 64) in one line. No timing is asserted.
final class BenchCellCommandTests: HostTestCase {
    func testEmbeddingJSONAndUsageError() throws {
        let (object, result) = try recurJSON(["bench", "cell", "--hidden", "8", "--batch", "2", "--seq-len", "4", "--vocab", "7",
                                              "--embedding", "3", "--steps", "1", "--json"])
        XCTAssertEqual(object["embedding"] as? Int, 3)
        XCTAssertEqual(object["vocab"] as? Int, 7)
        XCTAssertNotNil(object["chars_per_second"] as? Double, result.stdout)

        let negative = try recur(["bench", "cell", "--embedding", "-1"])
        XCTAssertEqual(negative.status, 64, "\(negative)")
        XCTAssertTrue(negative.stderr.contains("--embedding must be 0 (one-hot input) or a width of at least 1 (got -1)"), negative.stderr)
        XCTAssertEqual(negative.stderr.split(separator: "\n").filter { $0.contains("--embedding") }.count, 1, negative.stderr)
    }
}
