import XCTest
@testable import RecurKit

/// The batch-1 products of resident inference against a plain Double loop, on every kernel this
/// CPU runs (so the AVX2 code is tested on an AVX-512 machine too), in fp32, fp16 and int8, with row
/// and column counts that are no multiple of 8 or 16.
final class PackedMatrixTests: XCTestCase {
    var kernels: [ResidentKernel] {
        let flags = CPUKernelChoice.cpuFlags()
        return ResidentKernel.allCases.filter { ResidentKernel.supported($0, cpuFlags: flags) }
    }

    func random(_ count: Int, _ rng: inout RandomGenerator) -> [Float] { (0..<count).map { _ in rng.nextUnit() * 2 - 1 } }

    func testProductsEqualAPlainLoop() throws {
        var rng = RandomGenerator(seed: 3)
        for kernel in kernels {
            for precision in ResidentPrecision.allCases {
                for (m, n) in [(1, 1), (7, 5), (17, 13), (33, 64), (65, 31), (16, 0), (130, 67)] {
                    let a = random(m * n, &rng), b = random(m, &rng), x = random(n, &rng)
                    let packed = PackedMatrix(weights: a, rows: m, columns: n, bias: b, kernel: kernel, precision: precision)
                    XCTAssertEqual(packed.paddedRows % kernel.lanes, 0)
                    var y = [Float](repeating: .nan, count: packed.paddedRows)
                    packed.multiply(x, into: &y)
                    // fp16: each weight is rounded to the nearest fp16 (relative error ≤ 2⁻¹¹), so
                    // |Δy| ≤ 2⁻¹¹ Σ|a x|; the reference uses the rounded weights exactly, and
                    // both are checked. fp32 rounding adds ≤ n·2⁻²⁴ Σ|a x|.
                    // int8: each weight is q · scale with scale = the row's largest |w| / 127, so
                    // |Δw| ≤ scale / 2 and |Δy| ≤ scale / 2 · Σ|x|. The SIMD kernels also round x
                    // to s · int16 with s = max|x| / 32767, adding ≤ s / 2 · Σ|q · scale|.
                    let inputStep = Double(x.reduce(Float(0)) { max($0, abs($1)) }) / 32767
                    for r in 0..<m {
                        var exact = Double(b[r]), rounded = Double(b[r]), magnitude = abs(Double(b[r]))
                        let largest = (0..<n).reduce(Float(0)) { max($0, abs(a[r * n + $1])) }
                        var inputs = 0.0, weights = 0.0
                        for k in 0..<n {
                            let w = a[r * n + k]
                            exact += Double(w) * Double(x[k])
                            rounded += Double(precision.rounded(w, rowMax: largest)) * Double(x[k])
                            magnitude += abs(Double(w) * Double(x[k]))
                            inputs += abs(Double(x[k]))
                            weights += abs(Double(precision.rounded(w, rowMax: largest)))
                        }
                        let label = "\(kernel) \(precision) m \(m) n \(n) row \(r)"
                        let summation = Double(n + 2) * 0x1p-24 * magnitude + 1e-7
                        let inputRounding = precision == .int8 && kernel != .blas ? inputStep / 2 * weights : 0
                        XCTAssertEqual(Double(y[r]), rounded, accuracy: summation + inputRounding, label)
                        switch precision {
                        case .fp32: break
                        case .fp16: XCTAssertEqual(Double(y[r]), exact, accuracy: 0x1p-11 * magnitude + summation, label)
                        case .int8: XCTAssertEqual(Double(y[r]), exact, accuracy: Double(largest) / 254 * inputs + summation + inputRounding, label)
                        }
                    }
                    // Padding rows: zero weights, zero bias.
                    for r in m..<packed.paddedRows { XCTAssertEqual(y[r], 0, "\(kernel) padding row \(r)") }
                }
            }
        }
    }

    /// int8 sums run in int32 over chunks of `PanelGemv.pairsPerChunk` (256) column pairs: with
    /// every weight and input at its largest, each pair adds 2 · 127 · 32767, and 259 pairs
    /// overflow. 1,100 columns are 550 pairs, three chunks; 1,101 adds a zero column.
    func testInt8SumsDoNotOverflowAtTheLargestValues() {
        for kernel in kernels where kernel != .blas {
            for (n, value) in [(1100, Float(1)), (1101, Float(-1)), (513, Float(0.5))] {
                let m = 20
                let a = [Float](repeating: 1, count: m * n), x = [Float](repeating: value, count: n)
                let packed = PackedMatrix(weights: a, rows: m, columns: n, bias: nil, kernel: kernel, precision: .int8)
                var y = [Float](repeating: .nan, count: packed.paddedRows)
                packed.multiply(x, into: &y)
                for r in 0..<m { XCTAssertEqual(y[r], Float(n) * value, accuracy: Float(n) * 1e-6, "\(kernel) n \(n) row \(r)") }
            }
        }
    }

    /// The int8 path has no NaN or ∞, so an input holding one gives NaN rows rather than numbers
    /// made from a saturated rounding.
    func testInt8InputThatIsNotFiniteGivesNaN() {
        for kernel in kernels where kernel != .blas {
            for bad in [Float.nan, .infinity, -.infinity] {
                for position in [0, 20, 36] {  // in a full vector, and in the scalar tail
                    var x = [Float](repeating: 0.25, count: 37)
                    x[position] = bad
                    let packed = PackedMatrix(weights: [Float](repeating: 0.5, count: 9 * 37), rows: 9, columns: 37, bias: nil,
                                              kernel: kernel, precision: .int8)
                    var y = [Float](repeating: 0, count: packed.paddedRows)
                    packed.multiply(x, into: &y)
                    XCTAssertTrue(y[0..<9].allSatisfy(\.isNaN), "\(kernel) \(bad) at \(position): \(y)")
                }
            }
        }
    }

    /// An input so small that 32767 / max|x| overflows counts as zero (no trap, no NaN from its
    /// zeros times ∞), and one just above that still rounds on its own scale.
    func testInt8TinyInputsCountAsZeroOrKeepTheirScale() {
        for kernel in kernels where kernel != .blas {
            let packed = PackedMatrix(weights: [Float](repeating: 0.5, count: 5 * 37), rows: 5, columns: 37, bias: nil,
                                      kernel: kernel, precision: .int8)
            // 19 of the 37 inputs (even k: in whole vectors and in the tail) are `tiny`, the rest 0.
            for (tiny, expected) in [(Float(1e-37), Float(0)), (.leastNonzeroMagnitude, 0), (1e-30, 19 * 0.5 * 1e-30)] {
                let x = (0..<37).map { $0 % 2 == 0 ? tiny : 0 }
                var y = [Float](repeating: .nan, count: packed.paddedRows)
                packed.multiply(x, into: &y)
                for r in 0..<5 { XCTAssertEqual(y[r], expected, accuracy: expected * 1e-5, "\(kernel) \(tiny) row \(r)") }
            }
        }
    }

    func testKernelChoiceFollowsTheCPUFlags() {
        let avx512: Set = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma", "f16c"]
        XCTAssertEqual(ResidentKernel.choose(cpuFlags: avx512, forced: nil), .avx512)
        XCTAssertEqual(ResidentKernel.choose(cpuFlags: avx512, forced: "avx2"), .avx2)
        XCTAssertEqual(ResidentKernel.choose(cpuFlags: avx512, forced: "BLAS"), .blas)
        XCTAssertEqual(ResidentKernel.choose(cpuFlags: ["avx2", "fma", "f16c"], forced: nil), .avx2)
        // A forced kernel the CPU cannot run, or an unknown name, is ignored.
        XCTAssertEqual(ResidentKernel.choose(cpuFlags: ["avx2", "fma", "f16c"], forced: "avx512"), .avx2)
        XCTAssertEqual(ResidentKernel.choose(cpuFlags: avx512, forced: "sse"), .avx512)
        XCTAssertEqual(ResidentKernel.choose(cpuFlags: ["avx2", "fma"], forced: nil), .blas, "no F16C")
        XCTAssertEqual(ResidentKernel.choose(cpuFlags: [], forced: nil), .blas)
    }

    func testBandwidthProbeSumsEveryByte() throws {
        for kernel in kernels {
            let bytes = 4096
            let p = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            defer { p.deallocate() }
            p.initializeMemory(as: Float.self, repeating: 0.5, count: bytes / 4)
            XCTAssertEqual(kernel.sum(p, bytes: bytes), 512, "\(kernel)")
        }
    }
}
