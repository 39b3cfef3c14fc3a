import XCTest
@testable import RecurKit

/// The batch-1 products of resident inference against a plain Double loop, on every kernel this
/// CPU runs (so the AVX2 code is tested on an AVX-512 machine too), in fp32, fp16, bf16, int8 and int4 (with
/// and without VNNI where the CPU has it), with row
/// and column counts that are no multiple of 8 or 16.
final class PackedMatrixTests: XCTestCase {
    var kernels: [ResidentKernel] {
        let flags = CPUKernelChoice.cpuFlags()
        return ResidentKernel.allCases.filter { ResidentKernel.supported($0, cpuFlags: flags) }
    }

    func random(_ count: Int, _ rng: inout RandomGenerator) -> [Float] { (0..<count).map { _ in rng.nextUnit() * 2 - 1 } }

    /// Every kernel with the int4 product's two instruction choices where the CPU has both.
    var variants: [(kernel: ResidentKernel, vnni: Bool)] {
        kernels.flatMap { kernel in kernel.vnni ? [(kernel, false), (kernel, true)] : [(kernel, false)] }
    }

    func testProductsEqualAPlainLoop() throws {
        var rng = RandomGenerator(seed: 3)
        for (kernel, vnni) in variants {
            for precision in ResidentPrecision.allCases where precision == .int8 || precision == .int4 || !vnni {
                for (m, n) in [(1, 1), (7, 5), (17, 13), (33, 64), (65, 31), (16, 0), (130, 67), (9, 200)] {
                    let a = random(m * n, &rng), b = random(m, &rng), x = random(n, &rng)
                    let packed = PackedMatrix(weights: a, rows: m, columns: n, bias: b, kernel: kernel, precision: precision, vnni: vnni)
                    XCTAssertEqual(packed.paddedRows % kernel.lanes, 0)
                    var y = [Float](repeating: .nan, count: packed.paddedRows)
                    packed.multiply(x, into: &y)
                    // fp16: each weight is rounded to the nearest fp16 (relative error ≤ 2⁻¹¹), so
                    // |Δy| ≤ 2⁻¹¹ Σ|a x|; the reference uses the rounded weights exactly, and
                    // both are checked. fp32 rounding adds ≤ n·2⁻²⁴ Σ|a x|.
                    // int8: each weight is q · scale with scale = the row's largest |w| / 127, so
                    // |Δw| ≤ scale / 2 and |Δy| ≤ scale / 2 · Σ|x|. The SIMD kernels also round x
                    // to s · int16 with s = max|x| / 32767, adding ≤ s / 2 · Σ|q · scale|.
                    // int4: each weight is q · scale + minimum per group of 64, |Δw| ≤ scale / 2
                    // plus the fp16 rounding of scale and minimum (≤ 2⁻¹⁰ of the group's largest
                    // |w|); the SIMD kernels round x to t · int8 with t = max|x| / 127, adding
                    // ≤ t / 2 · Σ|q · scale| (the minimums multiply exact sums of x).
                    let largestInput = Double(x.reduce(Float(0)) { max($0, abs($1)) })
                    let inputStep = precision == .int4 ? largestInput / 127 : largestInput / 32767
                    for r in 0..<m {
                        let row = Array(a[r * n ..< (r + 1) * n]), kept = precision.rounded(row: row)
                        var exact = Double(b[r]), rounded = Double(b[r]), magnitude = abs(Double(b[r]))
                        let largest = row.reduce(Float(0)) { max($0, abs($1)) }
                        var inputs = 0.0, weights = 0.0, weightError = 0.0
                        for k in 0..<n {
                            let w = row[k]
                            exact += Double(w) * Double(x[k])
                            rounded += Double(kept[k]) * Double(x[k])
                            magnitude += abs(Double(w) * Double(x[k]))
                            inputs += abs(Double(x[k]))
                            weights += abs(Double(kept[k]))
                            if precision == .int4 {
                                let start = k / Int4Groups.size * Int4Groups.size
                                let group = row[start ..< min(n, start + Int4Groups.size)]
                                let (scale, minimum) = Int4Groups.parameters(group)
                                let groupMax = group.reduce(Float(0)) { max($0, abs($1)) }
                                weights += abs(Double(minimum)) + 2 * abs(Double(kept[k]))  // |q · scale| ≤ |kept| + |minimum|
                                magnitude += (abs(Double(minimum)) + abs(Double(kept[k]))) * abs(Double(x[k]))
                                weightError += (Double(scale) / 2 + 0x1p-10 * Double(groupMax)) * abs(Double(x[k]))
                            }
                        }
                        let label = "\(kernel) vnni \(vnni) \(precision) m \(m) n \(n) row \(r)"
                        let summation = Double(n + 2) * 0x1p-24 * magnitude + 1e-7
                        let integerInputs = (precision == .int8 || precision == .int4) && kernel != .blas
                        let inputRounding = integerInputs ? inputStep / 2 * weights : 0
                        XCTAssertEqual(Double(y[r]), rounded, accuracy: summation + inputRounding, label)
                        switch precision {
                        case .fp32: break
                        case .fp16: XCTAssertEqual(Double(y[r]), exact, accuracy: 0x1p-11 * magnitude + summation, label)
                        case .bf16: XCTAssertEqual(Double(y[r]), exact, accuracy: 0x1p-8 * magnitude + summation, label)
                        case .int8: XCTAssertEqual(Double(y[r]), exact, accuracy: Double(largest) / 254 * inputs + summation + inputRounding, label)
                        case .int4: XCTAssertEqual(Double(y[r]), exact, accuracy: weightError + summation + inputRounding, label)
                        }
                    }
                    // Padding rows: zero weights, zero bias.
                    for r in m..<packed.paddedRows { XCTAssertEqual(y[r], 0, "\(kernel) padding row \(r)") }
                }
            }
        }
    }

    /// The bf16 product widens each weight exactly and sums the columns in the fp32 product's
    /// order, so it equals the fp32 product on the rounded weights bit for bit, whatever n's
    /// parity (an odd n's last pair has one column) and on each SIMD kernel.
    func testBF16EqualsFP32OnTheRoundedWeightsBitForBit() throws {
        var rng = RandomGenerator(seed: 11)
        for kernel in kernels where kernel != .blas {
            for (m, n) in [(1, 1), (17, 2), (16, 3), (33, 7), (5, 8), (40, 9), (3, 130), (19, 513)] {
                let a = random(m * n, &rng), b = random(m, &rng), x = random(n, &rng).map { $0 * 100 }
                let rounded = (0..<m).flatMap { ResidentPrecision.bf16.rounded(row: Array(a[$0 * n ..< ($0 + 1) * n])) }
                let brains = PackedMatrix(weights: a, rows: m, columns: n, bias: b, kernel: kernel, precision: .bf16)
                let floats = PackedMatrix(weights: rounded, rows: m, columns: n, bias: b, kernel: kernel, precision: .fp32)
                XCTAssertEqual(brains.bytesPerProduct, brains.paddedRows * ((n + 1) / 2) * 4 + m * 4)
                var y = [Float](repeating: .nan, count: brains.paddedRows), z = y
                brains.multiply(x, into: &y)
                floats.multiply(x, into: &z)
                XCTAssertEqual(y.map(\.bitPattern), z.map(\.bitPattern), "\(kernel) m \(m) n \(n)")
            }
        }
    }

    /// fp16 in split groups (half the columns decoded in integers, the input times 2¹¹²) gives
    /// the plain fp16 panels' bits: every n mod 4, fp16 subnormals, zeros of both signs, the
    /// largest finite halves, inputs past 2¹⁶ (the loop that scales the weights back) and inputs
    /// that are ±∞ or NaN; on each SIMD kernel.
    func testSplitHalvesEqualPlainHalvesBitForBit() throws {
        var rng = RandomGenerator(seed: 13)
        let special: [Float] = [0, -0.0, 3e-8, -6e-8, 1e-6, -2.5e-5, 65504, -65504, 1.5, -0.75]
        for kernel in kernels where kernel != .blas {
            for (m, n) in [(1, 1), (17, 2), (16, 3), (33, 4), (5, 5), (40, 9), (3, 130), (19, 515)] {
                var a = random(m * n, &rng)
                for i in stride(from: 0, to: a.count, by: 3) { a[i] = special[(i / 3) % special.count] }
                let b = random(m, &rng)
                let split = PackedMatrix(weights: a, rows: m, columns: n, bias: b, kernel: kernel, precision: .fp16, splitHalves: true)
                let plain = PackedMatrix(weights: a, rows: m, columns: n, bias: b, kernel: kernel, precision: .fp16, splitHalves: false)
                guard case .splitHalves = split.store, case .halves = plain.store else { return XCTFail("\(kernel): layouts") }
                XCTAssertEqual(split.bytesPerProduct, plain.bytesPerProduct)
                let small = random(n, &rng).map { $0 * 100 }
                var large = small
                large[n - 1] = 70_000                             // past 2¹⁶: the scaled input would overflow
                var infinite = small
                infinite[(n - 1) / 2] = -.infinity
                var nan = small
                nan[0] = .nan
                for (name, x) in [("small", small), ("large", large), ("infinite", infinite), ("NaN", nan)] {
                    var y = [Float](repeating: 1, count: split.paddedRows), z = y
                    split.multiply(x, into: &y)
                    plain.multiply(x, into: &z)
                    for r in 0..<m {
                        if y[r].isNaN || z[r].isNaN { XCTAssertTrue(y[r].isNaN && z[r].isNaN, "\(kernel) m \(m) n \(n) \(name) row \(r)") }
                        else { XCTAssertEqual(y[r].bitPattern, z[r].bitPattern, "\(kernel) m \(m) n \(n) \(name) row \(r)") }
                    }
                }
            }
        }
    }

    /// A weight that rounds to fp16's ±∞ (or is NaN) has no integer decoding, so that matrix
    /// keeps plain panels, and its product is what fp16 gives: ±∞ in the rows it reaches.
    func testSplitHalvesKeepPlainPanelsForWeightsPastFP16() throws {
        for kernel in kernels where kernel != .blas {
            var a = [Float](repeating: 0.5, count: 3 * 8)
            a[8 + 5] = 1e6
            let packed = PackedMatrix(weights: a, rows: 3, columns: 8, bias: nil, kernel: kernel, precision: .fp16, splitHalves: true)
            guard case .halves = packed.store else { return XCTFail("\(kernel): a weight past fp16 must keep plain panels") }
            var y = [Float](repeating: 0, count: packed.paddedRows)
            packed.multiply([Float](repeating: 1, count: 8), into: &y)
            XCTAssertEqual(y[0], 4, "\(kernel)")
            XCTAssertEqual(y[1], .infinity, "\(kernel)")
        }
    }

    /// Round to nearest, ties to even, on the 16 bits kept; NaN stays NaN, ±∞ and ±0 stay, the
    /// largest floats round up to ∞, subnormals keep their top bits.
    func testBrainFloatRounding() {
        func rounded(_ bits: UInt32) -> UInt16 { BrainFloat.round(Float(bitPattern: bits)) }
        XCTAssertEqual(rounded(0x3F80_0000), 0x3F80)                  // 1
        XCTAssertEqual(rounded(0x3F80_7FFF), 0x3F80)                  // below the half: down
        XCTAssertEqual(rounded(0x3F80_8000), 0x3F80)                  // tie, even stays
        XCTAssertEqual(rounded(0x3F81_8000), 0x3F82)                  // tie, odd goes up to even
        XCTAssertEqual(rounded(0x3F80_8001), 0x3F81)                  // above the half: up
        XCTAssertEqual(rounded(0xBF80_8001), 0xBF81)                  // the same for a negative
        XCTAssertEqual(rounded(0x3FFF_FFFF), 0x4000)                  // a carry into the exponent
        XCTAssertEqual(rounded(0x7F7F_FFFF), 0x7F80)                  // past the largest bf16: ∞
        XCTAssertEqual(rounded(0x7F80_0000), 0x7F80)                  // ∞
        XCTAssertEqual(rounded(0xFF80_0000), 0xFF80)                  // −∞
        XCTAssertEqual(rounded(0x8000_0000), 0x8000)                  // −0
        XCTAssertEqual(rounded(0x0001_8000), 0x0002)                  // a subnormal tie, odd: up
        XCTAssertTrue(BrainFloat.widen(BrainFloat.round(.nan)).isNaN)
        XCTAssertTrue(BrainFloat.widen(rounded(0x7F80_0001)).isNaN)   // a NaN whose payload is below the kept bits
        for value: Float in [0.1, -3.5, 1e-30, 6.5e4, 123_456.78] {
            let back = BrainFloat.widen(BrainFloat.round(value))
            XCTAssertLessThanOrEqual(abs(back - value), abs(value) * 0x1p-8, "\(value)")
        }
    }

    /// `vpdpbusd` and `vpmaddubsw` + `vpmaddwd` sum the same integers, and the int8 quads' byte
    /// sums (the input split into its low and high bytes) and the split pairs' sums (the first
    /// pair's weights offset by 128, taken off per chunk) both combine into the exact chunk sums,
    /// so the int4 and the int8 products agree bit for bit with and without VNNI, and on AVX2.
    func testInt8AndInt4WithAndWithoutVNNIAgreeBitForBit() throws {
        guard ResidentKernel.avx512.vnni else { throw XCTSkip("this CPU has no AVX512-VNNI (or RECUR_RESIDENT_VNNI=0)") }
        var rng = RandomGenerator(seed: 5)
        for precision in [ResidentPrecision.int8, .int4] {
            for (m, n) in [(33, 200), (16, 1024), (5, 9), (17, 3001), (9, 1026), (8, 3)] {
                let a = random(m * n, &rng), x = random(n, &rng)
                var outputs: [[Float]] = []
                for (kernel, vnni) in [(ResidentKernel.avx512, false), (.avx512, true), (.avx2, false)] where kernels.contains(kernel) {
                    let packed = PackedMatrix(weights: a, rows: m, columns: n, bias: nil, kernel: kernel, precision: precision, vnni: vnni)
                    var y = [Float](repeating: .nan, count: packed.paddedRows)
                    packed.multiply(x, into: &y)
                    outputs.append(Array(y[0..<m]))
                }
                for other in outputs.dropFirst() { XCTAssertEqual(outputs[0], other, "\(precision) m \(m) n \(n)") }
            }
        }
    }

    /// The largest int4 terms: q = 15 times r = ±127 everywhere (weights 15 with one 0 per group,
    /// so the scale is exactly 1). Without VNNI `vpmaddubsw` sums two such products in int16 and
    /// each of a group's two sums adds those of four octets, 16 products, in int16 (30,480 ≤
    /// 32,767; giving one sum all eight octets failed this test); a group's int32 sum is ≤
    /// 64 · 15 · 127.
    func testInt4SumsAreExactAtTheLargestValues() {
        for (kernel, vnni) in variants where kernel != .blas {
            for (n, value) in [(1100, Float(1)), (1101, Float(-1)), (67, Float(0.5))] {
                let m = 20
                let row = (0..<n).map { $0 % Int4Groups.size == 5 ? Float(0) : 15 }
                let a = (0..<m).flatMap { _ in row }, x = [Float](repeating: value, count: n)
                let packed = PackedMatrix(weights: a, rows: m, columns: n, bias: nil, kernel: kernel, precision: .int4, vnni: vnni)
                var y = [Float](repeating: .nan, count: packed.paddedRows)
                packed.multiply(x, into: &y)
                let expected = row.reduce(0, +) * value
                for r in 0..<m { XCTAssertEqual(y[r], expected, accuracy: abs(expected) * 1e-6, "\(kernel) vnni \(vnni) n \(n) row \(r)") }
            }
        }
    }

    /// A group holding NaN or ±∞ makes its rows NaN (as fp32 would); weights beyond fp16's range
    /// saturate its scale and minimum instead of becoming ∞ (and NaN from ∞ · 0).
    func testInt4WeightsThatAreNotFiniteOrHuge() {
        for (kernel, vnni) in variants {
            var a = [Float](repeating: 0.5, count: 3 * 70)
            a[70 + 66] = .nan       // row 1, second group
            a[140 + 3] = .infinity  // row 2, first group
            a[0] = 1e30             // row 0: huge but finite
            let packed = PackedMatrix(weights: a, rows: 3, columns: 70, bias: nil, kernel: kernel, precision: .int4, vnni: vnni)
            var y = [Float](repeating: 0, count: packed.paddedRows)
            packed.multiply([Float](repeating: 1, count: 70), into: &y)
            XCTAssertTrue(y[0].isFinite, "\(kernel) \(y)")
            XCTAssertTrue(y[1].isNaN && y[2].isNaN, "\(kernel) \(y)")
        }
    }

    /// int8 sums run in int32 over chunks of `PanelGemv.pairsPerChunk` (256) column pairs: with
    /// every weight and input at its largest, each pair adds 2 · 127 · 32767, and 259 pairs
    /// overflow. 1,100 columns are 550 pairs, three chunks; 1,101 adds a zero column. Without
    /// VNNI the first pair of each block of four carries weights offset by 128 (up to 255), so
    /// a chunk's running sum passes 2³¹ and only its wrapping arithmetic gives the true sum.
    func testInt8SumsDoNotOverflowAtTheLargestValues() {
        for (kernel, vnni) in variants where kernel != .blas {
            for (n, value, weight) in [(1100, Float(1), Float(1)), (1101, Float(-1), 1), (513, Float(0.5), 1),
                                       (1100, Float(1), -1), (1101, Float(-1), -1)] {
                let m = 20
                let a = [Float](repeating: weight, count: m * n), x = [Float](repeating: value * weight, count: n)
                let packed = PackedMatrix(weights: a, rows: m, columns: n, bias: nil, kernel: kernel, precision: .int8, vnni: vnni)
                var y = [Float](repeating: .nan, count: packed.paddedRows)
                packed.multiply(x, into: &y)
                for r in 0..<m { XCTAssertEqual(y[r], Float(n) * value, accuracy: Float(n) * 1e-6, "\(kernel) vnni \(vnni) n \(n) row \(r)") }
            }
        }
    }

    /// The int8 and int4 paths have no NaN or ∞, so an input holding one gives NaN rows rather than numbers
    /// made from a saturated rounding.
    func testIntegerInputThatIsNotFiniteGivesNaN() {
        for kernel in kernels where kernel != .blas {
            for precision in [ResidentPrecision.int8, .int4] {
            for bad in [Float.nan, .infinity, -.infinity] {
                for position in [0, 20, 36] {  // in a full vector, and in the scalar tail
                    var x = [Float](repeating: 0.25, count: 37)
                    x[position] = bad
                    let packed = PackedMatrix(weights: [Float](repeating: 0.5, count: 9 * 37), rows: 9, columns: 37, bias: nil,
                                              kernel: kernel, precision: precision)
                    var y = [Float](repeating: 0, count: packed.paddedRows)
                    packed.multiply(x, into: &y)
                    XCTAssertTrue(y[0..<9].allSatisfy(\.isNaN), "\(kernel) \(precision) \(bad) at \(position): \(y)")
                }
            }
            }
        }
    }

    /// An input so small that 32767 / max|x| (127 / max|x|) overflows counts as zero (no trap, no
    /// NaN from its zeros times ∞), and one just above that still rounds on its own scale.
    func testIntegerTinyInputsCountAsZeroOrKeepTheirScale() {
        for kernel in kernels where kernel != .blas {
            for precision in [ResidentPrecision.int8, .int4] {
            // int4: 15/32 and 0 make the scale 2⁻⁵, exact in fp16.
            let w: Float = precision == .int4 ? 15.0 / 32 : 0.5
            var a = [Float](repeating: w, count: 5 * 37)
            if precision == .int4 { for r in 0..<5 { a[r * 37 + 1] = 0 } }
            let packed = PackedMatrix(weights: a, rows: 5, columns: 37, bias: nil, kernel: kernel, precision: precision)
            // 19 of the 37 inputs (even k: in whole vectors and in the tail) are `tiny`, the rest 0.
            for (tiny, expected) in [(Float(1e-37), Float(0)), (.leastNonzeroMagnitude, 0), (1e-30, 19 * w * 1e-30)] {
                let x = (0..<37).map { $0 % 2 == 0 ? tiny : 0 }
                var y = [Float](repeating: .nan, count: packed.paddedRows)
                packed.multiply(x, into: &y)
                for r in 0..<5 { XCTAssertEqual(y[r], expected, accuracy: expected * 1e-5, "\(kernel) \(precision) \(tiny) row \(r)") }
            }
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
        // VNNI: the AVX-512 kernel on a CPU that has it, unless RECUR_RESIDENT_VNNI=0.
        XCTAssertTrue(ResidentKernel.avx512.hasVNNI(cpuFlags: avx512.union(["avx512_vnni"]), forced: nil))
        XCTAssertFalse(ResidentKernel.avx512.hasVNNI(cpuFlags: avx512.union(["avx512_vnni"]), forced: "0"))
        XCTAssertFalse(ResidentKernel.avx512.hasVNNI(cpuFlags: avx512, forced: nil))
        XCTAssertFalse(ResidentKernel.avx2.hasVNNI(cpuFlags: avx512.union(["avx512_vnni", "avx_vnni"]), forced: nil))
    }

    func testSplitHalvesOnlyOnAVX512WhereItIsSplit() {
        XCTAssertTrue(ResidentKernel.avx512.splitsHalves(splitsAVX512: true, forced: nil))
        XCTAssertFalse(ResidentKernel.avx512.splitsHalves(splitsAVX512: true, forced: "0"))
        XCTAssertFalse(ResidentKernel.avx512.splitsHalves(splitsAVX512: false, forced: nil), "Intel, Zen 5")
        XCTAssertFalse(ResidentKernel.avx2.splitsHalves(splitsAVX512: true, forced: nil))
        XCTAssertFalse(ResidentKernel.blas.splitsHalves(splitsAVX512: true, forced: nil))
    }

    func testFP32TakesTheAVX2KernelOnlyWhereAVX512IsSplit() {
        // Zen 4 (512-bit instructions on 256-bit units): fp32 streams faster through 256-bit loads.
        XCTAssertEqual(ResidentKernel.preferred(for: .fp32, widest: .avx512, splitsAVX512: true, forced: nil), .avx2)
        for precision in ResidentPrecision.allCases where precision != .fp32 {
            XCTAssertEqual(ResidentKernel.preferred(for: precision, widest: .avx512, splitsAVX512: true, forced: nil), .avx512, "\(precision)")
        }
        // Intel, Zen 5, an AVX2 CPU, or a kernel the user forced keep the widest choice.
        XCTAssertEqual(ResidentKernel.preferred(for: .fp32, widest: .avx512, splitsAVX512: false, forced: nil), .avx512)
        XCTAssertEqual(ResidentKernel.preferred(for: .fp32, widest: .avx2, splitsAVX512: false, forced: nil), .avx2)
        XCTAssertEqual(ResidentKernel.preferred(for: .fp32, widest: .blas, splitsAVX512: true, forced: nil), .blas)
        XCTAssertEqual(ResidentKernel.preferred(for: .fp32, widest: .avx512, splitsAVX512: true, forced: "avx512"), .avx512)
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
