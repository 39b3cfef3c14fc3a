import XCTest
@testable import RecurCore

/// Recur's cache-blocked product kernel (``ProductKernel``), built for AVX-512 and for AVX2, against
/// OpenBLAS: every transpose, odd shapes around its panel width (64 or 32 columns), depth and row
/// blocks (for 256 rows or more 512 and 128, or 1024 and 64 for a row-major A deeper than 512; 128
/// and 256 for fewer rows), one row, padded rows, alpha and beta; and the same bits whether C is split
/// between threads or not. Each build runs wherever the CPU has it, so an AVX-512 machine also
/// tests the AVX2 build.
final class ProductKernelTests: XCTestCase {
    private var saved: (threads: Int, volume: Int, kernel: ProductKernel?) = (1, 0, nil)

    override func setUp() {
        saved = (BLAS.threads, BLAS.parallelVolume, BLAS.productKernelOverride)
    }

    override func tearDown() {
        (BLAS.threads, BLAS.parallelVolume, BLAS.productKernelOverride) = saved
    }

    private var ownKernels: [ProductKernel] {
        [.avx512, .avx2].filter(\.isSupported)
    }

    /// Random A, B and C (with two padding columns that must stay untouched) for one shape, made
    /// once and shared by every kernel, alpha and beta: drawing them is most of a debug build's work.
    private struct Operands {
        let a: Tensor, b: Tensor, c: Tensor, lda: Int, ldb: Int, ldc: Int

        init(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, seed: UInt64) {
            var rng = RandomGenerator(seed: seed)
            (lda, ldb, ldc) = ((transposeA ? m : k) + 3, (transposeB ? k : n) + 1, n + 2)
            a = rng.uniformTensor([(transposeA ? k : m) * lda], -1, 1)
            b = rng.uniformTensor([(transposeB ? n : k) * ldb], -1, 1)
            c = rng.uniformTensor([m * ldc], -1, 1)
        }
    }

    /// C after `BLAS.gemm` on `kernel` (a copy of `operands.c` is written).
    private func product(_ kernel: ProductKernel, threads: Int = 1, transposeA: Bool, transposeB: Bool,
                         m: Int, n: Int, k: Int, alpha: Float, beta: Float, _ operands: Operands) -> [Float] {
        BLAS.productKernelOverride = kernel
        BLAS.threads = threads
        var c = operands.c
        operands.a.withPointer { pa in operands.b.withPointer { pb in c.withMutablePointer { pc in
            BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                      a: pa, lda: operands.lda, b: pb, ldb: operands.ldb, beta: beta, c: pc, ldc: operands.ldc)
        } } }
        return c.scalars
    }

    func testEveryBuildMatchesOpenBLASOnOddShapes() throws {
        guard !ownKernels.isEmpty else { throw XCTSkip("this CPU has neither AVX-512F nor AVX2 with FMA") }
        // Shapes around the panel widths (32, 64), the depth blocks (512; 1024 for a deeper
        // row-major A; 128 under 256 rows, and the depth a row-major A is read in place to), the
        // row blocks (128; 64 for the long blocks; 256 for the shallow ones) and a transposed A's
        // tiles of one vector's rows (16, 8).
        let shapes: [(m: Int, n: Int, k: Int)] = [
            (1, 1, 1), (1, 65, 7), (3, 31, 129), (5, 64, 128), (4, 33, 256), (17, 200, 300),
            (257, 97, 130), (300, 2, 5), (64, 512, 100), (2, 1000, 3),
            (129, 70, 513), (131, 65, 1030), (1, 3, 600), (256, 64, 512), (384, 65, 513), (260, 70, 1030),
            (321, 130, 2049),
        ]
        var seed: UInt64 = 1
        for s in shapes {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    seed += 1
                    let operands = Operands(transposeA: transposeA, transposeB: transposeB, m: s.m, n: s.n, k: s.k, seed: seed)
                    let ldc = operands.ldc
                    for (alpha, beta) in [(Float(1), Float(0)), (1, 1), (-0.5, 0.75)] {
                        let reference = product(.openBLAS, transposeA: transposeA, transposeB: transposeB,
                                                m: s.m, n: s.n, k: s.k, alpha: alpha, beta: beta, operands)
                        for kernel in ownKernels {
                            let own = product(kernel, transposeA: transposeA, transposeB: transposeB,
                                              m: s.m, n: s.n, k: s.k, alpha: alpha, beta: beta, operands)
                            let label = "\(kernel) \(s.m)×\(s.k)·\(s.k)×\(s.n) Aᵀ \(transposeA) Bᵀ \(transposeB) α \(alpha) β \(beta)"
                            // One assertion per product (the first element off, and how many are),
                            // not one per element: a debug build spent most of this test in them.
                            // Sums of k products of numbers in [-1, 1] in another order.
                            let tolerance = 1e-6 * Float(s.k) + 1e-6
                            var off = 0, first: String?
                            for r in 0..<s.m {
                                for j in 0..<ldc {
                                    let x = reference[r * ldc + j], y = own[r * ldc + j]
                                    // The padding columns past n must be left as they were.
                                    let agrees = j < s.n ? abs(x - y) <= tolerance : x == y
                                    if !agrees {
                                        off += 1
                                        if first == nil { first = "[\(r), \(j)]\(j < s.n ? "" : " (padding)"): \(y), OpenBLAS \(x)" }
                                    }
                                }
                            }
                            XCTAssertEqual(off, 0, "\(label): \(off) elements off, the first \(first ?? "")")
                        }
                    }
                }
            }
        }
    }

    /// Each element of C is one chain of fused multiply-adds in k order, so splitting C by rows or
    /// columns (whole panels) between threads gives the bits of one thread.
    func testASplitProductHasTheBitsOfOneThread() throws {
        guard !ownKernels.isEmpty else { throw XCTSkip("this CPU has neither AVX-512F nor AVX2 with FMA") }
        BLAS.parallelVolume = 1
        for kernel in ownKernels {
            for (m, n) in [(300, 70), (40, 333)] {
                for (transposeA, transposeB) in [(false, false), (false, true), (true, false)] {
                    for k in [150, 600] {
                        let operands = Operands(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, seed: 5)
                        let one = product(kernel, threads: 1, transposeA: transposeA, transposeB: transposeB,
                                          m: m, n: n, k: k, alpha: 1, beta: 1, operands)
                        for threads in [2, 3] {
                            let split = product(kernel, threads: threads, transposeA: transposeA, transposeB: transposeB,
                                                m: m, n: n, k: k, alpha: 1, beta: 1, operands)
                            XCTAssertEqual(one, split, "\(kernel) \(m)×\(n)×\(k) Aᵀ \(transposeA) Bᵀ \(transposeB) on \(threads) threads")
                        }
                    }
                }
            }
        }
    }

    /// Recur's kernel only where OpenBLAS runs narrower vectors than Recur's build for the CPU.
    func testTheAutomaticChoice() {
        XCTAssertEqual(ProductKernel.automatic(build: .avx512, openBLASKernel: "Haswell"), .avx512)
        XCTAssertEqual(ProductKernel.automatic(build: .avx512, openBLASKernel: "Zen"), .avx512)
        XCTAssertEqual(ProductKernel.automatic(build: .avx512, openBLASKernel: "SkylakeX"), .openBLAS)
        XCTAssertEqual(ProductKernel.automatic(build: .avx512, openBLASKernel: "COOPERLAKE"), .openBLAS)
        XCTAssertEqual(ProductKernel.automatic(build: .avx2, openBLASKernel: "Haswell"), .openBLAS)
        XCTAssertEqual(ProductKernel.automatic(build: .avx2, openBLASKernel: "Prescott"), .avx2)
        XCTAssertEqual(ProductKernel.automatic(build: .avx2, openBLASKernel: "Sandybridge"), .avx2)
        XCTAssertEqual(ProductKernel.automatic(build: .baseline, openBLASKernel: "Prescott"), .openBLAS)
        // Zen 4: Recur's AVX-512 kernel against SkylakeX too, and nothing else changes.
        XCTAssertEqual(ProductKernel.automatic(build: .avx512, openBLASKernel: "SkylakeX", splitsAVX512: true), .avx512)
        XCTAssertEqual(ProductKernel.automatic(build: .avx512, openBLASKernel: "Haswell", splitsAVX512: true), .avx512)
        XCTAssertEqual(ProductKernel.automatic(build: .avx2, openBLASKernel: "Haswell", splitsAVX512: true), .openBLAS)
        XCTAssertEqual(ProductKernel.automatic(build: .baseline, openBLASKernel: "SkylakeX", splitsAVX512: true), .openBLAS)
        // Zen and Zen+: Recur's AVX2 kernel against Haswell's, and the AVX-512 rule is untouched.
        XCTAssertEqual(ProductKernel.automatic(build: .avx2, openBLASKernel: "Haswell", splitsAVX2: true), .avx2)
        XCTAssertEqual(ProductKernel.automatic(build: .avx2, openBLASKernel: "Zen", splitsAVX2: true), .avx2)
        XCTAssertEqual(ProductKernel.automatic(build: .avx2, openBLASKernel: "SkylakeX", splitsAVX2: true), .openBLAS)
        XCTAssertEqual(ProductKernel.automatic(build: .avx512, openBLASKernel: "SkylakeX", splitsAVX2: true), .openBLAS)
        XCTAssertEqual(ProductKernel.automatic(build: .baseline, openBLASKernel: "Haswell", splitsAVX2: true), .openBLAS)
    }
}
