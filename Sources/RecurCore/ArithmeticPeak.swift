import Foundation
import RecurKernelsAVX2
import RecurKernelsAVX512

/// This CPU's ceiling for `float` multiply-adds, measured: what no product kernel can pass.
///
/// Runs `FMAPeak` (twelve independent FMA chains in registers, Sources/RecurKernels) of the
/// build the kernels run (``Kernels/Build/current``): 512-bit on an AVX-512 CPU, 256-bit on an
/// AVX2 one or when `RECUR_MICROKERNEL=avx2` narrows an AVX-512 CPU to it (`scripts/bench-all.sh
/// --isa avx2`), so a product's share is of the vectors it may use. On a core with
/// two 512-bit FMA ports (Skylake-X, Zen 5) that is 64 FLOP per cycle; on Zen 4, whose 512-bit
/// FMAs take both 256-bit units, 32 — the same as its 256-bit rate. `recur bench gemm` prints each
/// product's share of it, and `scripts/bench-all.sh` the rate each training target needs.
public enum ArithmeticPeak {
    /// The build whose vectors it times: the running one, or the widest with FMA when that is the
    /// baseline (nil on a CPU without AVX2 + FMA).
    public static var build: Kernels.Build? { build(running: Kernels.Build.current, available: Kernels.Build.available) }

    static func build(running: Kernels.Build, available: [Kernels.Build]) -> Kernels.Build? {
        running != .baseline ? running : available.first { $0 != .baseline }
    }

    /// GFLOP/s over `threads` threads running the chains at once (their sum), best of
    /// `repetitions` runs of about `seconds` each after a calibration run; nil without FMA.
    public static func gflops(threads: Int = 1, seconds: Double = 0.05, repetitions: Int = 5) -> Double? {
        guard let build else { return nil }
        let (run, flops): (@Sendable (Int) -> Float, Int) = switch build {
        case .avx512: (RecurKernelsAVX512.FMAPeak.run(iterations:), RecurKernelsAVX512.FMAPeak.flopsPerIteration)
        case .avx2: (RecurKernelsAVX2.FMAPeak.run(iterations:), RecurKernelsAVX2.FMAPeak.flopsPerIteration)
        case .baseline: preconditionFailure("no FMA build")
        }
        let threads = max(1, threads)
        var sink: Float = 0
        // Wall time of `iterations` on every thread at once.
        func timed(_ iterations: Int) -> Double {
            let sums = UnsafeMutablePointer<Float>.allocate(capacity: threads)
            defer { sums.deallocate() }
            let address = Int(bitPattern: sums)   // the closure is @Sendable and pointers are not
            let start = DispatchTime.now().uptimeNanoseconds
            if threads == 1 {
                sums[0] = run(iterations)
            } else {
                DispatchQueue.concurrentPerform(iterations: threads) { t in
                    UnsafeMutablePointer<Float>(bitPattern: address)![t] = run(iterations)
                }
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            for t in 0..<threads { sink += sums[t] }
            return max(elapsed, 1e-9)
        }
        let probe = 1 << 16
        let iterations = max(probe, Int(Double(probe) * seconds / timed(probe)))
        var best = Double.infinity
        for _ in 0..<max(1, repetitions) { best = min(best, timed(iterations)) }
        // Keeps the sums observable (they are finite: the factors are small).
        if !sink.isFinite { print("") }
        return Double(threads * iterations * flops) / best / 1e9
    }
}
