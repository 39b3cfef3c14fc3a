import Foundation
import RecurKit
import XCTest

/// `recur bench sample`: the JSON names, for every precision, the kernel it ran on — this CPU's
/// choice for that precision (fp32 on AVX2 on a Zen 4) and, where that product decodes its weights,
/// the decoding's ceiling — and a third thread is a usage error
/// (exit 64) in one line. No timing is asserted.
final class BenchSampleCommandTests: HostTestCase {
    func testEachPrecisionNamesItsKernel() throws {
        let (object, result) = try recurJSON(["bench", "sample", "--hidden", "16", "--layers", "1", "--vocab", "7", "--length", "5",
                                              "--repetitions", "1", "--generic-length", "0", "--json"])
        for precision in ResidentPrecision.allCases {
            let key = precision == .fp32 ? "" : "\(precision.rawValue)_"
            XCTAssertNotNil(object["\(key)chars_per_second"] as? Double, "\(precision): \(result.stdout)")
            XCTAssertEqual(object["\(key)resident_kernel"] as? String, ResidentKernel.preferred(for: precision).rawValue,
                           "\(precision): \(result.stdout)")
            // The decoding ceiling, for exactly the precisions whose product decodes its weights.
            let decodes = ResidentKernel.preferred(for: precision).decoder(for: precision) != nil
            XCTAssertEqual(object["\(key)decode_ceiling_chars_per_second"] is Double, decodes, "\(precision): \(result.stdout)")
            XCTAssertEqual(object["\(key)decode_gb_per_second"] is Double, decodes, "\(precision): \(result.stdout)")
        }

        let three = try recur(["bench", "sample", "--threads", "3"])
        XCTAssertEqual(three.status, 64, "\(three)")
        XCTAssertEqual(three.stderr.split(separator: "\n").filter { $0.contains("--threads must be 1 or 2 (got 3)") }.count, 1, three.stderr)
    }
}
