import ArgumentParser
import Foundation
import RecurCore

extension ProductKernel: ExpressibleByArgument {}

struct BenchGemmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm", abstract: "sgemm GFLOP/s at 1024³ and at the recurrent shape 64×512·512×2048, beside this CPU's FMA peak.",
        discussion: """
            The FMA peak is measured too: twelve independent fused multiply-add chains in registers \
            (the widest vectors the CPU has, one chain set per thread), no loads or stores. No \
            product can pass it; each product's line gives its share of it.
            """)

    /// `M×K·K×N` written `MxKxN`.
    struct Shape: ExpressibleByArgument {
        let m: Int, k: Int, n: Int
        init?(argument: String) {
            let sizes = argument.lowercased().split(separator: "x").compactMap { Int($0) }
            guard sizes.count == 3, sizes.allSatisfy({ $0 > 0 && $0 <= 16_384 }) else { return nil }
            (m, k, n) = (sizes[0], sizes[1], sizes[2])
        }
    }

    @Option(help: "Threads; each product is split into blocks of rows or columns, one per thread.") var threads: Int = 1
    @Option(help: "Who computes the products: \(ProductKernel.allCases.map(\.rawValue).joined(separator: ", ")) (default: Recur's choice, see `recur version`).")
    var kernel: ProductKernel?
    @Option(name: .customLong("shape"), help: "A product M×K·K×N to time instead, written MxKxN (sizes 1…16384); repeat for several.")
    var shapes: [Shape] = []
    @Flag(help: "Time op(A) = Aᵀ, with A stored K×M.") var transposeA = false
    @Flag(help: "Time op(B) = Bᵀ, with B stored N×K.") var transposeB = false
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
        if let kernel, !kernel.isSupported { throw ValidationError("this CPU cannot run the \(kernel.rawValue) kernel.") }
    }

    func run() throws {
        BLAS.threads = threads
        if let kernel { BLAS.productKernelOverride = kernel }
        let shapes = self.shapes.isEmpty ? [(m: 1024, n: 1024, k: 1024), (m: 64, n: 2048, k: 512)]
                                         : self.shapes.map { (m: $0.m, n: $0.n, k: $0.k) }
        // Measured first, and again after the products, keeping the better: a burst of foreign
        // load during one of them then does not set the ceiling below what the products reached.
        var peak = ArithmeticPeak.gflops(threads: threads)
        var measured: [Double] = []
        for s in shapes {
            measured.append(Self.measure(m: s.m, n: s.n, k: s.k, transposeA: transposeA, transposeB: transposeB))
        }
        if let again = ArithmeticPeak.gflops(threads: threads) { peak = max(peak ?? 0, again) }
        var results: [[String: Any]] = []
        for (s, gflops) in zip(shapes, measured) {
            var result: [String: Any] = ["m": s.m, "n": s.n, "k": s.k, "transpose_a": transposeA, "transpose_b": transposeB,
                                         "gflops": (gflops * 10).rounded() / 10]
            if let peak { result["of_peak"] = (gflops / peak * 1000).rounded() / 1000 }
            results.append(result)
            if !json {
                let share = peak.map { String(format: "  %3.0f%% of the FMA peak", 100 * gflops / $0) } ?? ""
                print(String(format: "sgemm %5d×%-5d·%5d×%-5d  %7.1f GFLOP/s", s.m, s.k, s.k, s.n, gflops) + share)
            }
        }
        let vectors = ArithmeticPeak.build.map { $0 == .avx512 ? "512-bit" : "256-bit" }
        if json {
            var object: [String: Any] = ["kernel": BLAS.kernelName, "products": BLAS.productKernel.rawValue,
                                         "threads": threads, "results": results]
            if let peak, let vectors {
                // Four significant digits, not one decimal: a debug build's loop runs at a fraction
                // of a GFLOP/s, and `of_peak` must still follow from the figures printed.
                object["fma_peak_gflops"] = Double(String(format: "%.4g", peak)) ?? peak
                object["fma_peak_vectors"] = vectors
            }
            try printJSON(object)
        } else {
            if let peak, let vectors {
                print(String(format: "FMA peak                  %7.1f GFLOP/s", peak) + "  (\(vectors) FMAs in registers, no memory)")
            }
            print("OpenBLAS kernel \(BLAS.kernelName) (\(FastKernels.origin)), products by \(BLAS.productKernel.label), \(threads) thread\(threads == 1 ? "" : "s")")
        }
    }

    /// Best of several timed repetitions after a warm-up, so a moment of foreign load does not count.
    ///
    /// Each timing runs the product 2 GFLOP's worth of times (at least 3), but no longer than
    /// about half a second as timed in the warm-up: the same count as before on any product
    /// above 4 GFLOP/s, and seconds rather than minutes in a debug build, whose kernels run at a
    /// fraction of a GFLOP/s.
    static func measure(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false) -> Double {
        var rng = RandomGenerator(seed: 1)
        let a = rng.uniformTensor([m, k], -1, 1), b = rng.uniformTensor([k, n], -1, 1)
        var c = Tensor(zeros: [m, n])
        let flops = 2.0 * Double(m * n * k)
        var best = Double.infinity
        a.withPointer { pa in b.withPointer { pb in c.withMutablePointer { pc in
            func run(_ count: Int) -> Double {
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<count { BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                      a: pa, lda: transposeA ? m : k, b: pb, ldb: transposeB ? k : n, c: pc, ldc: n) }
                return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            }
            _ = run(1)
            let warmUp = 3, once = max(run(warmUp) / Double(warmUp), 1e-9)
            let repetitions = max(3, min(Int(2e9 / flops), Int(0.5 / once)))
            for _ in 0..<5 { best = min(best, run(repetitions) / Double(repetitions)) }
        } } }
        return flops / best / 1e9
    }
}
