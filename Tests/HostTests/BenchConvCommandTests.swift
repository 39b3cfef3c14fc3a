import Foundation
import XCTest

/// `recur bench conv`: one JSON object describing what it timed, and usage errors (exit 64) for a
/// channel list it cannot read or images too small for the blocks. No timing is asserted.
final class BenchConvCommandTests: HostTestCase {
    func testJSONAndUsageErrors() throws {
        let (object, result) = try recurJSON(["bench", "conv", "--batch", "2", "--image-size", "8", "--conv", "2,3", "--iterations", "1", "--json"])
        XCTAssertEqual(object["conv"] as? [Int], [2, 3])
        XCTAssertEqual(object["batch"] as? Int, 2)
        XCTAssertEqual(object["image_size"] as? Int, 8)
        XCTAssertNotNil(object["images_per_second"] as? Double, result.stdout)

        let badList = try recur(["bench", "conv", "--conv", "32,x"])
        XCTAssertEqual(badList.status, 64, "\(badList)")
        XCTAssertTrue(badList.stderr.contains("--conv '32,x': expected comma-separated channel counts"), badList.stderr)
        let tooSmall = try recur(["bench", "conv", "--image-size", "4", "--conv", "8,8,8"])
        XCTAssertEqual(tooSmall.status, 64, "\(tooSmall)")
        XCTAssertTrue(tooSmall.stderr.contains("--image-size 4 is too small for 3 blocks"), tooSmall.stderr)
    }
}
