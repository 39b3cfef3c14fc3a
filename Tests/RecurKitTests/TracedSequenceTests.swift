import XCTest
import RecurKit

/// The traced generic path (hoisting, scans) against the plain step loop: equal values and
/// gradients for every built-in cell, at odd shapes, with padding, in reverse and stacked; the
/// scan is taken where the recurrence is affine, and a step the tracer cannot follow falls back.
final class TracedSequenceTests: XCTestCase {
    struct Shape { let steps, batch, input, hidden: Int }

    func makeCell(_ name: String, _ shape: Shape, seed: UInt64 = 1) throws -> any Cell {
        var rng = RandomGenerator(seed: seed)
        return try builtinCells().lookup(name).make(CellConfig(inputSize: shape.input, hiddenSize: shape.hidden), &rng)
    }

    /// Output, final state and every gradient (parameters, input, initial state) of a random
    /// projection of the run on `path`.
    func run(_ cell: any Cell, _ shape: Shape, path: SequenceDriver.Path, lengths: [Int]?, reverse: Bool) -> [Tensor] {
        var rng = RandomGenerator(seed: 5)
        let x = parameter(rng.uniformTensor([shape.steps, shape.batch, shape.input], -1, 1), "x")
        let h0 = cell.stateSizes.map { parameter(rng.uniformTensor([shape.batch, $0], 0.25, 0.75), "h0") }
        let mask = lengths.map { lengths in
            Tensor(shape: [shape.steps, shape.batch],
                   scalars: (0..<shape.steps).flatMap { t in lengths.map { t < $0 ? Float(1) : 0 } })
        }
        let parameters = cell.namedParameters.map(\.variable)
        for p in parameters { p.zeroGrad() }
        let (output, state) = SequenceDriver.run(cell, input: x, initialState: h0, mask: mask, reverse: reverse, path: path)
        let flat = concat(([output] + state).map { $0.reshaped([$0.value.count]) }, axis: 0)
        (flat * Variable(rng.uniformTensor(flat.shape, -1, 1))).sum().backward()
        let gradients = (parameters + [x] + h0).map { $0.grad ?? Tensor(zeros: $0.shape) }
        return [output.value] + state.map(\.value) + gradients
    }

    func assertTracedEqualsPlain(_ name: String, _ shape: Shape, lengths: [Int]? = nil, reverse: Bool = false,
                                 file: StaticString = #filePath, line: UInt = #line) throws {
        let cell = try makeCell(name, shape)
        let traced = run(cell, shape, path: .generic, lengths: lengths, reverse: reverse)
        let plain = run(cell, shape, path: .plain, lengths: lengths, reverse: reverse)
        for (i, (a, b)) in zip(traced, plain).enumerated() {
            XCTAssertTrue(a.isClose(to: b, rtol: 1e-4, atol: 1e-5),
                          "\(name) \(shape) lengths \(lengths ?? []) reverse \(reverse): tensor \(i) differs by \(a.maxAbsDifference(b))",
                          file: file, line: line)
        }
    }

    func testEveryBuiltinCellEqualsThePlainLoop() throws {
        for name in builtinCellNames {
            try assertTracedEqualsPlain(name, Shape(steps: 5, batch: 4, input: 6, hidden: 7))
            try assertTracedEqualsPlain(name, Shape(steps: 5, batch: 4, input: 6, hidden: 7), lengths: [5, 2, 0, 4])
            try assertTracedEqualsPlain(name, Shape(steps: 5, batch: 4, input: 6, hidden: 7), lengths: [1, 5, 3, 5], reverse: true)
        }
    }

    /// On one OpenBLAS thread the compiled step's products run on the recurrent microkernel:
    /// each instruction set, with panels cut short (H = 7) and a full one plus a partial one (H = 70).
    func testTheMicrokernelProductsEqualThePlainLoop() throws {
        let (threads, override) = (BLAS.threads, RecurrentISA.override)
        defer { BLAS.threads = threads; RecurrentISA.override = override }
        BLAS.threads = 1
        for isa in RecurrentISA.supported {
            RecurrentISA.override = isa
            for name in ["lstm", "gru", "rnn", "indrnn", "sru"] {
                try assertTracedEqualsPlain(name, Shape(steps: 4, batch: 5, input: 6, hidden: 7), lengths: [4, 2, 0, 3, 4])
                try assertTracedEqualsPlain(name, Shape(steps: 3, batch: 3, input: 5, hidden: 70), reverse: true)
            }
        }
    }

    func testOddShapes() throws {
        for name in builtinCellNames {
            try assertTracedEqualsPlain(name, Shape(steps: 3, batch: 1, input: 2, hidden: 13))
            try assertTracedEqualsPlain(name, Shape(steps: 4, batch: 1, input: 13, hidden: 13), lengths: [2], reverse: true)
        }
    }

    func testThePlans() throws {
        let shape = Shape(steps: 4, batch: 3, input: 5, hidden: 6)
        // The element-wise ops of an affine recurrence compile into the step with it, so the
        // scan is left for what the compiled step cannot take (a factor broadcast from [1]).
        XCTAssertTrue(SequenceDriver.genericPlan(for: try makeCell("minlstm", shape)).hasPrefix("compiled"))
        XCTAssertTrue(SequenceDriver.genericPlan(for: MinGRULike(inputSize: 5, hiddenSize: 6)).hasPrefix("compiled"))
        XCTAssertTrue(SequenceDriver.genericPlan(for: ScalarDecayCell(inputSize: 5, hiddenSize: 6)).hasPrefix("scan"))
        for name in ["lstm", "gru", "rnn", "mgu", "sru", "indrnn", "peephole", "cifg"] {
            XCTAssertTrue(SequenceDriver.genericPlan(for: try makeCell(name, shape)).hasPrefix("compiled"), name)
        }
        // Layer norm is not compiled: the per-step part stays on the tape.
        XCTAssertTrue(SequenceDriver.genericPlan(for: try makeCell("lnlstm", shape)).hasPrefix("hoisted"))
        // sLSTM's max builds a constant from the values: the tracer cannot follow it.
        XCTAssertTrue(SequenceDriver.genericPlan(for: try makeCell("slstm", shape)).hasPrefix("plain step loop"))
    }

    func testMinGRUStepEqualsThePlainLoopAndPassesFiniteDifferences() throws {
        let cell = MinGRULike(inputSize: 4, hiddenSize: 13)
        let shape = Shape(steps: 5, batch: 3, input: 4, hidden: 13)
        for (lengths, reverse) in [(nil, false), ([5, 1, 3], false), ([2, 5, 0], true)] as [([Int]?, Bool)] {
            let traced = run(cell, shape, path: .generic, lengths: lengths, reverse: reverse)
            let plain = run(cell, shape, path: .plain, lengths: lengths, reverse: reverse)
            for (a, b) in zip(traced, plain) { XCTAssertTrue(a.isClose(to: b, rtol: 1e-4, atol: 1e-5), "\(a.maxAbsDifference(b))") }
        }
        var rng = RandomGenerator(seed: 3)
        let x = parameter(rng.uniformTensor([5, 3, 4], -1, 1), "x")
        let h0 = parameter(rng.uniformTensor([3, 13], -1, 1), "h0")
        let mask = Tensor(shape: [5, 3], scalars: (0..<5).flatMap { t in [5, 2, 4].map { t < $0 ? Float(1) : 0 } })
        for reverse in [false, true] {
            let report = GradientCheck().run(inputs: cell.namedParameters + [("x", x), ("h0", h0)]) {
                let (output, state) = SequenceDriver.run(cell, input: x, initialState: [h0], mask: mask, reverse: reverse, path: .generic)
                return concat([output.reshaped([output.value.count]), state[0].reshaped([state[0].value.count])], axis: 0)
            }
            XCTAssertTrue(report.passed, report.description)
        }
    }

    /// A many-to-one loss reaches the compiled step only through its final state.
    func testAGradientThroughTheFinalStateAloneEqualsThePlainLoop() throws {
        for name in ["lstm", "gru", "minlstm"] {
            let shape = Shape(steps: 5, batch: 3, input: 4, hidden: 6)
            let cell = try makeCell(name, shape)
            var results: [[Tensor]] = []
            for path in [SequenceDriver.Path.generic, .plain] {
                var rng = RandomGenerator(seed: 9)
                let x = parameter(rng.uniformTensor([shape.steps, shape.batch, shape.input], -1, 1), "x")
                let mask = Tensor(shape: [5, 3], scalars: (0..<5).flatMap { t in [5, 2, 4].map { t < $0 ? Float(1) : 0 } })
                for p in cell.namedParameters { p.variable.zeroGrad() }
                let (_, state) = SequenceDriver.run(cell, input: x, initialState: cell.zeroState(batch: shape.batch), mask: mask, path: path)
                (state[0] * Variable(rng.uniformTensor(state[0].shape, -1, 1))).sum().backward()
                results.append([state[0].value, x.grad!] + cell.namedParameters.map { $0.variable.grad ?? Tensor(zeros: $0.variable.shape) })
            }
            for (a, b) in zip(results[0], results[1]) {
                XCTAssertTrue(a.isClose(to: b, rtol: 1e-4, atol: 1e-5), "\(name): differs by \(a.maxAbsDifference(b))")
            }
        }
    }

    func testAScannedCellEqualsThePlainLoop() throws {
        let cell = ScalarDecayCell(inputSize: 4, hiddenSize: 7)
        let shape = Shape(steps: 5, batch: 3, input: 4, hidden: 7)
        for (lengths, reverse) in [(nil, false), ([5, 1, 3], false), ([2, 5, 0], true)] as [([Int]?, Bool)] {
            let traced = run(cell, shape, path: .generic, lengths: lengths, reverse: reverse)
            let plain = run(cell, shape, path: .plain, lengths: lengths, reverse: reverse)
            for (a, b) in zip(traced, plain) { XCTAssertTrue(a.isClose(to: b, rtol: 1e-4, atol: 1e-5), "\(a.maxAbsDifference(b))") }
        }
    }

    func testFiniteDifferencesThroughHoistedAndScannedCells() throws {
        for name in ["minlstm", "lstm", "gru", "lnlstm", "mgu", "sru"] {
            let cell = try makeCell(name, Shape(steps: 4, batch: 2, input: 3, hidden: 5))
            var rng = RandomGenerator(seed: 4)
            let x = parameter(rng.uniformTensor([4, 2, 3], -1, 1), "x")
            let h0 = cell.stateSizes.map { parameter(rng.uniformTensor([2, $0], -1, 1), "h0") }
            let mask = Tensor(shape: [4, 2], scalars: [1, 1, 1, 1, 1, 0, 1, 0])
            let report = GradientCheck().run(inputs: cell.namedParameters + [("x", x)] + h0.map { ("h0", $0) }) {
                let (output, state) = SequenceDriver.run(cell, input: x, initialState: h0, mask: mask, reverse: true, path: .generic)
                return concat(([output] + state).map { $0.reshaped([$0.value.count]) }, axis: 0)
            }
            XCTAssertTrue(report.passed, "\(name): \(report.description)")
        }
    }

    func testStackedBidirectionalLayersEqualThePlainLoop() throws {
        for name in ["minlstm", "lstm", "gru", "slstm"] {
            var results: [[Tensor]] = []
            for path in [SequenceDriver.Path.generic, .plain] {
                var rng = RandomGenerator(seed: 8)
                let stack = try RecurrentStack(StackConfig(cell: name, hiddenSize: 6, layers: 2, bidirectional: true, path: path),
                                               inputSize: 4, registry: builtinCells(), rng: &rng)
                let x = parameter(rng.uniformTensor([5, 3, 4], -1, 1), "x")
                let mask = Tensor(shape: [5, 3], scalars: (0..<5).flatMap { t in [5, 3, 1].map { t < $0 ? Float(1) : 0 } })
                let (output, _) = stack(x, mask: mask, rng: &rng)
                (output * Variable(rng.uniformTensor(output.shape, -1, 1))).sum().backward()
                results.append([output.value, x.grad!] + stack.namedParameters.map { $0.variable.grad ?? Tensor(zeros: $0.variable.shape) })
            }
            for (a, b) in zip(results[0], results[1]) {
                XCTAssertTrue(a.isClose(to: b, rtol: 1e-4, atol: 1e-5), "\(name): differs by \(a.maxAbsDifference(b))")
            }
        }
    }

    func testAStepTheTracerCannotFollowFallsBack() throws {
        let untraced = TransposingCell(inputSize: 3, hiddenSize: 4, batchDependent: false)
        XCTAssertTrue(SequenceDriver.genericPlan(for: untraced).hasPrefix("plain step loop"), SequenceDriver.genericPlan(for: untraced))
        let branching = TransposingCell(inputSize: 3, hiddenSize: 4, batchDependent: true)
        XCTAssertEqual(SequenceDriver.genericPlan(for: branching), "plain step loop: two traces of the step differ (it depends on the values or the batch size)")
        for cell in [untraced, branching] {
            let shape = Shape(steps: 3, batch: 3, input: 3, hidden: 4)
            for (a, b) in zip(run(cell, shape, path: .generic, lengths: [3, 1, 2], reverse: false),
                              run(cell, shape, path: .plain, lengths: [3, 1, 2], reverse: false)) {
                XCTAssertEqual(a, b)
            }
        }
    }
}

/// The step of plugins/mingru, written out (the plugin itself is a separate package; `recur
/// check-cell mingru`, part of `make test`, runs the same comparison on it).
final class MinGRULike: Cell {
    let weightIH: Variable, biasIH: Variable
    init(inputSize: Int, hiddenSize: Int) {
        var rng = RandomGenerator(seed: 11)
        weightIH = parameter(rng.uniformTensor([2 * hiddenSize, inputSize], -0.5, 0.5), "weight_ih")
        biasIH = parameter(rng.uniformTensor([2 * hiddenSize], -0.5, 0.5), "bias_ih")
    }
    var inputSize: Int { weightIH.shape[1] }
    var hiddenSize: Int { weightIH.shape[0] / 2 }
    var stateSizes: [Int] { [hiddenSize] }
    var namedParameters: [NamedParameter] { [("weight_ih", weightIH), ("bias_ih", biasIH)] }
    func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
        let blocks = (matmul(x, weightIH, transposeB: true) + biasIH).split(sizes: [hiddenSize, hiddenSize], axis: -1)
        let z = blocks[0].sigmoid(), candidate = blocks[1]
        let h = (1 - z) * state[0] + z * candidate
        return (h, [h])
    }
}

/// h = σ(d)·h + W x with one decay d `[1]` for every unit: affine in h, but a factor
/// broadcast from one element is not something the compiled step takes, so it runs as a scan.
final class ScalarDecayCell: Cell {
    let weightIH: Variable, decay: Variable
    init(inputSize: Int, hiddenSize: Int) {
        var rng = RandomGenerator(seed: 13)
        weightIH = parameter(rng.uniformTensor([hiddenSize, inputSize], -0.5, 0.5), "weight_ih")
        decay = parameter(rng.uniformTensor([1], -1, 1), "decay")
    }
    var inputSize: Int { weightIH.shape[1] }
    var hiddenSize: Int { weightIH.shape[0] }
    var stateSizes: [Int] { [hiddenSize] }
    var namedParameters: [NamedParameter] { [("weight_ih", weightIH), ("decay", decay)] }
    func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
        let h = decay.sigmoid() * state[0] + matmul(x, weightIH, transposeB: true)
        return (h, [h])
    }
}

/// A tanh RNN that transposes h twice (an op the tracer does not record), or that picks its
/// nonlinearity by the batch size (a step whose program is not fixed).
final class TransposingCell: Cell {
    let weights: GatedWeights
    let batchDependent: Bool
    init(inputSize: Int, hiddenSize: Int, batchDependent: Bool) {
        var rng = RandomGenerator(seed: 12)
        weights = GatedWeights(gates: 1, inputSize: inputSize, hiddenSize: hiddenSize, rng: &rng)
        self.batchDependent = batchDependent
    }
    var inputSize: Int { weights.weightIH.shape[1] }
    var hiddenSize: Int { weights.weightHH.shape[1] }
    var stateSizes: [Int] { [hiddenSize] }
    var namedParameters: [NamedParameter] { weights.named }
    func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
        let h = batchDependent ? state[0] : state[0].transposed().transposed()
        let pre = weights.inputProjection(x) + weights.hiddenProjection(h)
        let next = batchDependent && x.shape[0] == 5 ? pre.sigmoid() : pre.tanh()
        return (next, [next])
    }
}
