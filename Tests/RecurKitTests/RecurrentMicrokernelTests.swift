import XCTest
@testable import RecurKit

/// The packed microkernel path of the fused LSTM / GRU / RNN (``RecurrentISA``) against the generic
/// step loop, on every instruction set this CPU runs (the AVX2 path is forced on AVX-512 machines
/// too), with hidden sizes that are not a multiple of 8 or 16, batch 1, padded batches, reverse
/// direction, stacks, and one worker against two.
final class RecurrentMicrokernelTests: XCTestCase {
    /// Each instruction-set path the fused pass can take here, BLAS (the reference path) last.
    let paths = RecurrentISA.supported

    override func tearDown() {
        RecurrentISA.override = nil
        RecurrentISA.workersOverride = nil
        SweepSplit.override = nil
        BLAS.threads = 1
    }

    struct Case {
        var cell: String, options: [String: JSONValue] = [:], hidden: Int, batch: Int, steps: Int = 5
        var lengths: [Int]? = nil, reverse = false
    }

    func mask(_ lengths: [Int], steps: Int) -> Tensor {
        Tensor(shape: [steps, lengths.count], scalars: (0..<steps).flatMap { t in lengths.map { t < $0 ? Float(1) : 0 } })
    }

    /// Output, final states and every gradient of `Σ (outputs, states) ⊙ R` for a fixed R.
    func run(_ c: Case, path: SequenceDriver.Path, inputSize: Int = 7) throws -> [Tensor] {
        var rng = RandomGenerator(seed: 11)
        let cell = try builtinCells().lookup(c.cell).make(
            CellConfig(inputSize: inputSize, hiddenSize: c.hidden, options: c.options), &rng)
        let x = parameter(rng.uniformTensor([c.steps, c.batch, inputSize], -1, 1), "x")
        let h0 = cell.stateSizes.enumerated().map { parameter(rng.uniformTensor([c.batch, $0.element], -0.5, 0.5), "s\($0.offset)") }
        let result = SequenceDriver.run(cell, input: x, initialState: h0, mask: c.lengths.map { mask($0, steps: c.steps) },
                                        reverse: c.reverse, path: path)
        let flat = concat(([result.output] + result.state).map { $0.reshaped([$0.value.count]) }, axis: 0)
        var weights = RandomGenerator(seed: 99)
        (flat * Variable(weights.uniformTensor(flat.shape, -1, 1))).sum().backward()
        let inputs = cell.namedParameters.map(\.variable) + [x] + h0
        return [flat.value] + inputs.map { $0.grad ?? Tensor(zeros: $0.shape) }
    }

    func assertClose(_ a: [Tensor], _ b: [Tensor], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, label, file: file, line: line)
        for (i, (x, y)) in zip(a, b).enumerated() {
            // Sums run in another order than the generic path's BLAS products; 1e-4 covers float
            // rounding of H ≤ 40 terms of O(1) on any x86 CPU (measured differences: ≤ 2e-6).
            XCTAssertTrue(x.isClose(to: y, rtol: 1e-4, atol: 1e-4),
                          "\(label): tensor \(i) differs by \(x.maxAbsDifference(y))", file: file, line: line)
        }
    }

    var cases: [Case] {
        var all: [Case] = []
        for cell in ["lstm", "gru", "rnn"] {
            for (hidden, batch) in [(13, 1), (37, 3), (16, 2), (70, 5)] {
                all.append(Case(cell: cell, hidden: hidden, batch: batch))
            }
            all.append(Case(cell: cell, hidden: 37, batch: 4, lengths: [5, 2, 1, 4]))
            all.append(Case(cell: cell, hidden: 13, batch: 3, lengths: [1, 5, 3], reverse: true))
            all.append(Case(cell: cell, hidden: 37, batch: 1, reverse: true))
        }
        all.append(Case(cell: "rnn", options: ["nonlinearity": "relu"], hidden: 37, batch: 3, lengths: [5, 4, 2]))
        return all
    }

    func testEveryInstructionSetMatchesTheGenericStepLoop() throws {
        for c in cases {
            let generic = try run(c, path: .generic)
            for isa in paths {
                RecurrentISA.override = isa
                XCTAssertEqual(RecurrentISA.current, isa)
                assertClose(try run(c, path: .fused), generic, "\(isa) \(c)")
            }
        }
    }

    /// A layer whose ∂W_hh is larger than any L2 (H = 600: 5.5 MiB) takes it in one product after
    /// the sweep instead of step by step; both match the generic loop.
    func testAWideLayerTakesItsWeightGradientAfterTheSweep() throws {
        XCTAssertGreaterThan(4 * 600 * 600 * 4, CoreCache.level2Bytes)
        XCTAssertLessThanOrEqual(4 * 37 * 37 * 4, CoreCache.level2Bytes)
        let c = Case(cell: "lstm", hidden: 600, batch: 2, steps: 2)
        let generic = try run(c, path: .generic)
        for isa in paths {
            RecurrentISA.override = isa
            assertClose(try run(c, path: .fused), generic, "\(isa) \(c)")
        }
    }

    func testTwoWorkersEqualOneBitForBit() throws {
        // Each element's sums run in the same order whichever worker owns its unit or its batch
        // row, so the split changes nothing, not even rounding. H = 70 gives two panels with
        // AVX-512 and three with AVX2; batch 1 cannot be split by rows and runs by units.
        // OpenBLAS stays on one thread: its large products may round differently on two.
        for isa in paths where isa != .blas {
            RecurrentISA.override = isa
            for c in [Case(cell: "lstm", hidden: 70, batch: 3), Case(cell: "gru", hidden: 70, batch: 1, reverse: true),
                      Case(cell: "rnn", hidden: 70, batch: 4, lengths: [5, 1, 3, 2]), Case(cell: "lstm", hidden: 37, batch: 2),
                      Case(cell: "gru", hidden: 21, batch: 7, lengths: [5, 2, 4, 1, 3, 5, 5], reverse: true)] {
                SweepSplit.override = nil
                RecurrentISA.workersOverride = 1
                let one = try run(c, path: .fused)
                for split in [SweepSplit.byUnits, .byRows] {
                    SweepSplit.override = split
                    RecurrentISA.workersOverride = 2
                    let two = try run(c, path: .fused)
                    for (i, (a, b)) in zip(one, two).enumerated() {
                        XCTAssertTrue(a.scalars == b.scalars, "\(isa) \(split) \(c): tensor \(i) differs by \(a.maxAbsDifference(b))")
                    }
                }
            }
        }
    }

    /// The split the sweep takes by itself: by rows when W_hh's panels fit in L2 and each worker
    /// gets ``SweepSplit/minimumRows`` rows, else by units; never more workers than rows or panels.
    func testSweepSplitFollowsTheShape() throws {
        for isa in paths where isa != .blas {
            var rng = RandomGenerator(seed: 1)
            func weights(_ cell: String, hidden: Int) throws -> PackedRecurrentWeights {
                let made = try builtinCells().lookup(cell).make(CellConfig(inputSize: 3, hiddenSize: hidden), &rng)
                let gated = try XCTUnwrap(made.fusedPath as? any GatedRecurrence)
                return gated.weightHH.value.withPointer { w in gated.biasHH.value.withPointer { b in
                    PackedRecurrentWeights(isa: isa, gates: gated.gateKernel.gateCount, hidden: hidden, weight: w, bias: b)
                } }
            }
            let small = try weights("lstm", hidden: 128), wide = try weights("lstm", hidden: 512)
            XCTAssertLessThanOrEqual(small.forward.count * 4, SweepSplit.rowSplitWeightBytes)
            XCTAssertGreaterThan(wide.forward.count * 4, SweepSplit.rowSplitWeightBytes)
            XCTAssertTrue(SweepSplit.plan(weights: small, batch: 32, wanted: 2) == (.byRows, 2), "\(isa)")
            XCTAssertTrue(SweepSplit.plan(weights: small, batch: 15, wanted: 2) == (.byUnits, 2), "\(isa) too few rows")
            XCTAssertTrue(SweepSplit.plan(weights: small, batch: 32, wanted: 1) == (.byUnits, 1), "\(isa) one worker")
            XCTAssertTrue(SweepSplit.plan(weights: wide, batch: 64, wanted: 2) == (.byUnits, 2), "\(isa) W_hh beyond L2")
            SweepSplit.override = .byRows
            XCTAssertTrue(SweepSplit.plan(weights: small, batch: 3, wanted: 4) == (.byRows, 3), "\(isa) forced: a row each")
            XCTAssertTrue(SweepSplit.plan(weights: small, batch: 1, wanted: 2) == (.byUnits, 2), "\(isa) forced, one row")
            SweepSplit.override = nil
        }
    }

    func testStacksMatchTheGenericPath() throws {
        for isa in paths {
            RecurrentISA.override = isa
            for threads in [1, 2] {
                BLAS.threads = threads
                for cell in ["lstm", "gru", "rnn"] {
                    var values: [[Float]] = []
                    for path in [SequenceDriver.Path.generic, .fused] {
                        var rng = RandomGenerator(seed: 4)
                        let stack = try RecurrentStack(StackConfig(cell: cell, hiddenSize: 37, layers: 2, bidirectional: true),
                                                       inputSize: 6, registry: builtinCells(), rng: &rng)
                        stack.path = path
                        let x = parameter(rng.uniformTensor([6, 3, 6], -1, 1), "x")
                        let y = stack(x, mask: mask([6, 3, 1], steps: 6), rng: &rng).output
                        (y * y).sum().backward()
                        values.append(y.value.scalars + x.grad!.scalars + stack.namedParameters(prefix: "").flatMap { $0.variable.grad!.scalars })
                    }
                    let worst = zip(values[0], values[1]).map { abs($0 - $1) / (1 + abs($1)) }.max() ?? 0
                    XCTAssertLessThan(worst, 1e-4, "\(isa) \(threads) threads \(cell)")
                }
            }
        }
    }

    /// The step-by-step weight gradient `C += Aᵀ·B` (A read in place, B packed): against Double
    /// sums on widths around the panel (one lane, a narrow panel through the tile, whole panels),
    /// with C's padding columns untouched, and the same bits when its rows are taken in two parts.
    func testStepWeightGradientProduct() throws {
        for isa in paths where isa != .blas {
            let width = isa.panelWidth
            for (m, n, depth) in [(1, 1, 1), (7, 13, 3), (37, width + 5, 32), (70, 2 * width, 5), (16, width - 3, 1)] {
                var rng = RandomGenerator(seed: UInt64(m * 1000 + n))
                let lda = m + 3, ldb = n + 1, ldc = n + 2
                let a = rng.uniformTensor([depth * lda], -1, 1).scalars, b = rng.uniformTensor([depth * ldb], -1, 1).scalars
                let start = rng.uniformTensor([m * ldc], -1, 1).scalars
                let panels = FloatBuffer(zeros: depth * ((n + width - 1) / width) * width)
                let tile = FloatBuffer(zeros: m * width)
                b.withUnsafeBufferPointer { isa.packPanels(transposed: false, b: $0.baseAddress!, ldb: ldb, depth: depth, n: n, into: panels.pointer) }
                func accumulate(rows: Range<Int>, into c: inout [Float]) {
                    a.withUnsafeBufferPointer { pa in c.withUnsafeMutableBufferPointer { pc in
                        isa.accumulateTransposedProduct(m: rows.count, n: n, depth: depth, a: pa.baseAddress! + rows.lowerBound, lda: lda,
                                                        panels: panels.pointer, c: pc.baseAddress! + rows.lowerBound * ldc, ldc: ldc,
                                                        tile: tile.pointer)
                    } }
                }
                var whole = start
                accumulate(rows: 0..<m, into: &whole)
                var parts = start
                accumulate(rows: 0..<(m / 2), into: &parts)
                accumulate(rows: (m / 2)..<m, into: &parts)
                XCTAssertEqual(whole, parts, "\(isa) \(m)×\(n)×\(depth): rows in two parts")
                for r in 0..<m {
                    for j in 0..<ldc {
                        var expected = Double(start[r * ldc + j])
                        if j < n { for p in 0..<depth { expected += Double(a[p * lda + r]) * Double(b[p * ldb + j]) } }
                        XCTAssertEqual(Double(whole[r * ldc + j]), expected, accuracy: 1e-5 * Double(depth + 1),
                                       "\(isa) \(m)×\(n)×\(depth) [\(r), \(j)]")
                    }
                }
            }
        }
    }

    func testInstructionSetChoiceFollowsTheCPUFlags() {
        XCTAssertEqual(RecurrentISA.supported(cpuFlags: ["avx512f", "avx2", "fma"]), [.avx512, .avx2, .blas])
        XCTAssertEqual(RecurrentISA.supported(cpuFlags: ["avx2", "fma"]), [.avx2, .blas])
        XCTAssertEqual(RecurrentISA.supported(cpuFlags: ["avx2"]), [.blas])
        XCTAssertEqual(RecurrentISA.supported(cpuFlags: []), [.blas])
        RecurrentISA.override = .blas
        XCTAssertEqual(RecurrentISA.current, .blas)
    }
}
