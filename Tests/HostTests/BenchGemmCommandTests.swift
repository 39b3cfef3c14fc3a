import Foundation
import XCTest

/// `recur bench gemm`: one JSON object naming the kernel that ran each timed product, and usage
/// errors (exit 64) for a shape or a kernel it cannot take. No timing is asserted.
final class BenchGemmCommandTests: HostTestCase {
    func testJSONNamesTheKernelAndTheShapes() throws {
        let result = try recur(["bench", "gemm", "--kernel", "openblas", "--shape", "256x128x192", "--shape", "96X64X80",
                                "--transpose-a", "--json"])
        XCTAssertEqual(result.status, 0, "\(result)")
        let object = try jsonObject(result.stdout)
        XCTAssertEqual(object["products"] as? String, "openblas")
        let results = try XCTUnwrap(object["results"] as? [[String: Any]], result.stdout)
        XCTAssertEqual(results.map { [$0["m"] as? Int, $0["k"] as? Int, $0["n"] as? Int] }, [[256, 128, 192], [96, 64, 80]])
        XCTAssertEqual(results.map { $0["transpose_a"] as? Bool }, [true, true])
        XCTAssertEqual(results.map { $0["transpose_b"] as? Bool }, [false, false])
        XCTAssertTrue(results.allSatisfy { ($0["gflops"] as? Double ?? 0) > 0 }, result.stdout)
        // The FMA peak beside them, and each product's share of it (every CI machine has AVX2 + FMA).
        let peak = try XCTUnwrap(object["fma_peak_gflops"] as? Double, result.stdout)
        XCTAssertGreaterThan(peak, 0)
        XCTAssertTrue(["512-bit", "256-bit"].contains(object["fma_peak_vectors"] as? String ?? ""), result.stdout)
        for r in results {
            let gflops = try XCTUnwrap(r["gflops"] as? Double), share = try XCTUnwrap(r["of_peak"] as? Double, result.stdout)
            // Within the rounding of the printed figures: gflops to 0.1, the peak to four
            // significant digits (a debug build's loop runs at a fraction of a GFLOP/s), the share to 0.001.
            XCTAssertEqual(share, gflops / peak, accuracy: 0.0005 + share * (0.05 / gflops + 0.0005), result.stdout)
        }
    }

    func testTextNamesThePeak() throws {
        let result = try recur(["bench", "gemm", "--shape", "32x32x32"])
        XCTAssertEqual(result.status, 0, "\(result)")
        XCTAssertTrue(result.stdout.contains("of the FMA peak"), result.stdout)
        XCTAssertTrue(result.stdout.contains("FMA peak "), result.stdout)
    }

    func testUsageErrors() throws {
        for shape in ["0x4x4", "4x4", "axbxc", "4x4x4x4", "20000x1x1", ""] {
            let bad = try recur(["bench", "gemm", "--shape", shape])
            XCTAssertEqual(bad.status, 64, "\(shape): \(bad)")
            XCTAssertTrue(bad.stderr.contains("The value '\(shape)' is invalid for '--shape <shape>'"), bad.stderr)
        }
        let kernel = try recur(["bench", "gemm", "--kernel", "mkl"])
        XCTAssertEqual(kernel.status, 64, "\(kernel)")
        XCTAssertTrue(kernel.stderr.contains("Please provide one of 'openblas', 'avx512' or 'avx2'"), kernel.stderr)
    }
}
