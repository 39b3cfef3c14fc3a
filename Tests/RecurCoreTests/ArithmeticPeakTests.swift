import XCTest
@testable import RecurCore
import RecurKernelsAVX2
import RecurKernelsAVX512

/// The FMA peak loop of each build this CPU runs computes the sums it claims, in the FLOPs it
/// counts, and `ArithmeticPeak` times the build the kernels run. No speed is asserted.
final class ArithmeticPeakTests: XCTestCase {
    /// Chain k starts at k and adds 10⁻⁶·0.5 per iteration, rounded as one fused multiply-add;
    /// the result is the sum over the 12 chains and every lane.
    func expected(iterations: Int, lanes: Int) -> Double {
        var total = 0.0
        for k in 0..<12 {
            var chain = Float(k)
            for _ in 0..<iterations { chain.addProduct(1e-6, 0.5) }
            total += Double(chain) * Double(lanes)
        }
        return total
    }

    func testEachBuildSumsItsChains() {
        let builds = Kernels.Build.supported(cpuFlags: CPUKernelChoice.cpuFlags())
        for iterations in [0, 1, 7, 1000] {
            if builds.contains(.avx2) {
                XCTAssertEqual(RecurKernelsAVX2.FMAPeak.flopsPerIteration, 12 * 2 * 8)
                XCTAssertEqual(Double(RecurKernelsAVX2.FMAPeak.run(iterations: iterations)), expected(iterations: iterations, lanes: 8),
                               accuracy: 1e-3, "AVX2, \(iterations) iterations")
            }
            if builds.contains(.avx512) {
                XCTAssertEqual(RecurKernelsAVX512.FMAPeak.flopsPerIteration, 12 * 2 * 16)
                XCTAssertEqual(Double(RecurKernelsAVX512.FMAPeak.run(iterations: iterations)), expected(iterations: iterations, lanes: 16),
                               accuracy: 1e-3, "AVX-512, \(iterations) iterations")
            }
        }
    }

    /// The running build's vectors (narrowed by `RECUR_MICROKERNEL=avx2`, the peak is AVX2's),
    /// or the widest with FMA when the kernels run the baseline build.
    func testTheRunningBuildIsTimed() throws {
        XCTAssertEqual(ArithmeticPeak.build(running: .avx512, available: [.avx512, .avx2, .baseline]), .avx512)
        XCTAssertEqual(ArithmeticPeak.build(running: .avx2, available: [.avx512, .avx2, .baseline]), .avx2)
        XCTAssertEqual(ArithmeticPeak.build(running: .baseline, available: [.avx512, .avx2, .baseline]), .avx512)
        XCTAssertEqual(ArithmeticPeak.build(running: .baseline, available: [.avx2, .baseline]), .avx2)
        XCTAssertNil(ArithmeticPeak.build(running: .baseline, available: [.baseline]))
        XCTAssertEqual(ArithmeticPeak.build, ArithmeticPeak.build(running: Kernels.Build.current, available: Kernels.Build.available))
        guard ArithmeticPeak.build != nil else { throw XCTSkip("this CPU has no FMA build") }
        for threads in [1, 2] {
            let gflops = try XCTUnwrap(ArithmeticPeak.gflops(threads: threads, seconds: 0.002, repetitions: 1))
            XCTAssertTrue(gflops.isFinite && gflops > 0, "\(threads) threads: \(gflops)")
        }
    }
}
