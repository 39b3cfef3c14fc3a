import XCTest
@testable import RecurKit

/// One-hot input (character models) takes the gather path of the input product (``OneHotRows``)
/// in the fused pass (with and without `--recompute`), the traced generic path and the plain step loop; the same model fed `2·X` with `W_ih / 2` takes
/// OpenBLAS's dense product. Both must give the same outputs and gradients.
final class OneHotInputTests: XCTestCase {
    override func tearDown() {
        RecurrentISA.override = nil
        RecurrentISA.workersOverride = nil
        SweepSplit.override = nil
    }

    /// Outputs, final states and every parameter gradient of `Σ (outputs, states) ⊙ R`, with
    /// `∂W_ih` scaled back by `scale` (the dense run's `W_ih` is divided by it).
    func run(cell name: String, path: SequenceDriver.Path, scale: Float, recompute: Int = 0, reverse: Bool = false,
             lengths: [Int]? = nil) throws -> [Tensor] {
        let (steps, batch, vocab, hidden) = (5, 3, 7, 13)
        var rng = RandomGenerator(seed: 21)
        let cell = try builtinCells().lookup(name).make(CellConfig(inputSize: vocab, hiddenSize: hidden), &rng)
        let weightIH = cell.namedParameters.first { $0.name == "weight_ih" }!.variable
        weightIH.assign(Tensor(shape: weightIH.shape, scalars: weightIH.value.scalars.map { $0 / scale }))
        var x = Tensor(zeros: [steps, batch, vocab])
        for row in 0..<(steps * batch) where row != 4 {   // row 4 stays zero, as padding would
            x.scalars[row * vocab + (row * 5 + 2) % vocab] = scale
        }
        let h0 = cell.stateSizes.map { Variable(rng.uniformTensor([batch, $0], -0.5, 0.5)) }
        let mask = lengths.map { lengths in
            Tensor(shape: [steps, batch], scalars: (0..<(steps * batch)).map { Float(($0 / batch) < lengths[$0 % batch] ? 1 : 0) })
        }
        let result = SequenceDriver.run(cell, input: Variable(x), initialState: h0, mask: mask, reverse: reverse, path: path,
                                        recompute: recompute)
        let flat = concat(([result.output] + result.state).map { $0.reshaped([$0.value.count]) }, axis: 0)
        var weights = RandomGenerator(seed: 99)
        (flat * Variable(weights.uniformTensor(flat.shape, -1, 1))).sum().backward()
        return [flat.value] + cell.namedParameters.map { p in
            let g = p.variable.grad!
            return p.name == "weight_ih" ? Tensor(shape: g.shape, scalars: g.scalars.map { $0 / scale }) : g
        }
    }

    /// Forward and reversed with padded steps: the packed sweeps sum ∂gx per table row as they go
    /// (a padded row adds nothing; ∂gx and ∂gh are separate buffers for the GRU and reversed runs),
    /// on one worker and on two split either way.
    func testGatherPathsEqualTheDenseProduct() throws {
        for name in ["lstm", "gru", "rnn"] {
            for (reverse, lengths) in [(false, nil), (true, [5, 2, 4]), (false, [3, 5, 1])] as [(Bool, [Int]?)] {
                RecurrentISA.override = .blas
                let dense = try run(cell: name, path: .fused, scale: 2, reverse: reverse, lengths: lengths)
                // (label, path, instruction set, recompute, sweep workers and their split)
                var paths: [(String, SequenceDriver.Path, RecurrentISA, Int, Int, SweepSplit?)] =
                    RecurrentISA.supported.map { ("fused \($0)", .fused, $0, 0, 1, nil) }
                // Two workers: split by rows, each sums its batch rows' ∂gx into its own table first.
                for isa in RecurrentISA.supported where isa != .blas {
                    paths.append(("fused \(isa), two workers by rows", .fused, isa, 0, 2, .byRows))
                    paths.append(("fused \(isa), two workers by units", .fused, isa, 0, 2, .byUnits))
                }
                paths.append(("fused, --recompute 2", .fused, .blas, 2, 1, nil))
                paths.append(("generic", .generic, .blas, 0, 1, nil))
                paths.append(("plain loop", .plain, .blas, 0, 1, nil))
                for (label, path, isa, recompute, workers, split) in paths {
                    RecurrentISA.override = isa
                    RecurrentISA.workersOverride = workers
                    SweepSplit.override = split
                    let gathered = try run(cell: name, path: path, scale: 1, recompute: recompute, reverse: reverse, lengths: lengths)
                    XCTAssertEqual(gathered.count, dense.count)
                    for (i, (a, b)) in zip(gathered, dense).enumerated() {
                        XCTAssertTrue(a.isClose(to: b, rtol: 1e-4, atol: 1e-5),
                                      "\(name) \(label) reverse \(reverse) lengths \(lengths ?? []): tensor \(i) differs by \(a.maxAbsDifference(b))")
                    }
                }
            }
        }
    }

    /// The compiled step reads a hoisted one-hot product as table rows (``HoistedLookup``), gathering
    /// each step's rows and scattering their gradient into ∂W: against the plain loop's dense
    /// product (`2·X`, `W_ih / 2`), forward and reversed, with padded steps.
    /// (Checked to fail when the scatter drops a row or the gather reads the wrong one.)
    func testLookedUpProductsInTheCompiledStepEqualTheDenseProduct() throws {
        for name in ["minlstm", "lstm", "gru", "mgu", "sru", "indrnn", "cifg"] {
            for (reverse, lengths) in [(false, nil), (true, nil), (false, [5, 2, 4]), (true, [3, 5, 1])] as [(Bool, [Int]?)] {
                // SRU's highway reads x itself, so `2·X` is another model: its reference is the plain
                // loop on the same one-hot input (per-step gathers, OneHotRows).
                let dense = try run(cell: name, path: .plain, scale: name == "sru" ? 1 : 2, reverse: reverse, lengths: lengths)
                let looked = try run(cell: name, path: .generic, scale: 1, reverse: reverse, lengths: lengths)
                XCTAssertEqual(looked.count, dense.count)
                for (i, (a, b)) in zip(looked, dense).enumerated() {
                    XCTAssertTrue(a.isClose(to: b, rtol: 1e-4, atol: 1e-5),
                                  "\(name), reverse \(reverse), lengths \(lengths ?? []): tensor \(i) differs by \(a.maxAbsDifference(b))")
                }
            }
        }
    }

    /// The lookup is taken for one-hot rows (zero rows included) and only then: not for `2·X`,
    /// nor for one-hot rows that take a gradient (a layer below).
    func testTheLookupIsTakenForOneHotInputOnly() throws {
        var rng = RandomGenerator(seed: 5)
        let cell = try builtinCells().lookup("minlstm").make(CellConfig(inputSize: 7, hiddenSize: 13), &rng)
        guard case .success(let trace) = StepTrace.trace(cell) else { return XCTFail("minlstm does not trace") }
        let plan = TracedSequence(trace)
        XCTAssertNotNil(plan.program)
        var x = Tensor(zeros: [6, 7])
        for r in 0..<5 { x.scalars[r * 7 + (r * 3) % 7] = 1 }   // row 5 stays zero
        let found = HoistedLookup.find(in: plan.trace, live: plan.live, flatInput: Variable(x))
        XCTAssertFalse(found.isEmpty, "one-hot input")
        XCTAssertEqual(found.values.first?.rows.columns, [0, 3, 6, 2, 5, -1])
        let doubled = Tensor(shape: x.shape, scalars: x.scalars.map { $0 * 2 })
        XCTAssertTrue(HoistedLookup.find(in: plan.trace, live: plan.live, flatInput: Variable(doubled)).isEmpty, "2·X")
        XCTAssertTrue(HoistedLookup.find(in: plan.trace, live: plan.live, flatInput: parameter(x, "x")).isEmpty, "x with a gradient")
    }

    /// An embedding lookup of a small table feeding the fused pass: the pass multiplies the table
    /// (`E·W_ihᵀ`) and sends ∂E straight to the table. On each instruction set, against the generic path, which multiplies
    /// the looked-up rows, for the outputs and every gradient, the table's included.
    func testEmbeddingLookupFoldsIntoTheInputProduct() throws {
        let (steps, batch, vocab, width, hidden) = (6, 3, 7, 5, 13)
        for (name, reverse) in [("lstm", false), ("gru", false), ("rnn", false), ("lstm", true), ("gru", true)] {
            for isa in RecurrentISA.supported {
                RecurrentISA.override = isa
                var results: [[Tensor]] = []
                for path in [SequenceDriver.Path.fused, .generic] {
                    var rng = RandomGenerator(seed: 31)
                    let cell = try builtinCells().lookup(name).make(CellConfig(inputSize: width, hiddenSize: hidden), &rng)
                    let table = Variable(rng.uniformTensor([vocab, width], -1, 1), requiresGrad: true, label: "table")
                    let ids = (0..<(steps * batch)).map { Int32(($0 * 3 + 1) % vocab) }
                    let x = embedding(table, ids: ids, shape: [steps, batch])
                    XCTAssertNotNil(x.rowLookup)
                    let h0 = cell.stateSizes.map { Variable(rng.uniformTensor([batch, $0], -0.5, 0.5)) }
                    // Reversed runs also pad the last two steps of the second sequence.
                    let mask = reverse ? Tensor(shape: [steps, batch], scalars: (0..<(steps * batch)).map { $0 % batch == 1 && $0 / batch >= steps - 2 ? 0 : 1 }) : nil
                    let result = SequenceDriver.run(cell, input: x, initialState: h0, mask: mask, reverse: reverse, path: path)
                    let flat = concat(([result.output] + result.state).map { $0.reshaped([$0.value.count]) }, axis: 0)
                    var weights = RandomGenerator(seed: 99)
                    (flat * Variable(weights.uniformTensor(flat.shape, -1, 1))).sum().backward()
                    results.append([flat.value, table.grad!] + cell.namedParameters.map { $0.variable.grad! })
                }
                for (i, (a, b)) in zip(results[0], results[1]).enumerated() {
                    XCTAssertTrue(a.isClose(to: b, rtol: 1e-4, atol: 1e-5),
                                  "\(name) \(isa) reverse \(reverse): tensor \(i) differs by \(a.maxAbsDifference(b))")
                }
            }
        }
    }
}
