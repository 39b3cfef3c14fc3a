import Foundation
import RecurTestSupport
import XCTest
import RecurKit

/// `--recompute K`: the segmented fused pass equals the full one in values and in every gradient,
/// for any K (1, not dividing T, ≥ T), with padding, in reverse, and through stacks; and the
/// option is refused where it cannot work, and absent from old configs without harm.
final class RecomputeTests: XCTestCase {
    let steps = 7, batch = 3, inputSize = 4, hiddenSize = 5

    func cell(_ name: String) throws -> any Cell {
        var rng = RandomGenerator(seed: 1)
        return try builtinCells().lookup(name).make(CellConfig(inputSize: inputSize, hiddenSize: hiddenSize), &rng)
    }

    /// Value and gradients of `Σ y ⊙ R` for a fixed R, where y is the output and final state flattened.
    func valueAndGradients(_ inputs: [Variable], _ run: () -> (output: Variable, state: [Variable])) -> (Tensor, [Tensor]) {
        for v in inputs { v.zeroGrad() }
        let result = run()
        let y = concat(([result.output] + result.state).map { $0.reshaped([$0.value.count]) }, axis: 0)
        var rng = RandomGenerator(seed: 99)
        (y * Variable(rng.uniformTensor(y.shape, -1, 1))).sum().backward()
        return (y.value, inputs.map { $0.grad ?? Tensor(zeros: $0.shape) })
    }

    func lengthsMask(_ lengths: [Int]) -> Tensor {
        Tensor(shape: [steps, lengths.count], scalars: (0..<steps).flatMap { t in lengths.map { t < $0 ? Float(1) : 0 } })
    }

    func assertClose(_ a: Tensor, _ b: Tensor, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(a.isClose(to: b, rtol: 1e-5, atol: 1e-5), "\(what) differs by up to \(a.maxAbsDifference(b))",
                      file: file, line: line)
    }

    func testEveryFusedCellEqualsTheFullPassForAnySegmentLength() throws {
        for name in ["lstm", "gru", "rnn", "cifg"] {
            let cell = try cell(name)
            var rng = RandomGenerator(seed: 2)
            let x = Variable(rng.uniformTensor([steps, batch, inputSize], -1, 1), requiresGrad: true, label: "x")
            let h0 = cell.stateSizes.map { Variable(rng.uniformTensor([batch, $0], -0.5, 0.5), requiresGrad: true) }
            let inputs = cell.namedParameters.map(\.variable) + [x] + h0
            let names = cell.namedParameters.map(\.name) + ["x"] + h0.indices.map { "state\($0)" }
            for (mask, reverse) in [(nil, false), (lengthsMask([steps, 2, 3]), false), (lengthsMask([1, steps, 2]), true), (nil, true)] {
                let full = valueAndGradients(inputs) {
                    SequenceDriver.run(cell, input: x, initialState: h0, mask: mask, reverse: reverse)
                }
                for k in [1, 3, steps, 50] {
                    let label = "\(name) K=\(k)\(mask == nil ? "" : " masked")\(reverse ? " reverse" : "")"
                    let segmented = valueAndGradients(inputs) {
                        SequenceDriver.run(cell, input: x, initialState: h0, mask: mask, reverse: reverse, recompute: k)
                    }
                    assertClose(segmented.0, full.0, "\(label): output and final state")
                    for (what, (a, b)) in zip(names, zip(segmented.1, full.1)) { assertClose(a, b, "\(label): gradient of \(what)") }
                }
            }
        }
    }

    func testStackedBidirectionalStackEqualsTheFullPass() throws {
        for name in ["lstm", "gru"] {
            var rng = RandomGenerator(seed: 5)
            let config = StackConfig(cell: name, hiddenSize: hiddenSize, layers: 2, bidirectional: true, residual: true)
            let stack = try RecurrentStack(config, inputSize: inputSize, registry: builtinCells(), rng: &rng)
            let x = Variable(rng.uniformTensor([steps, batch, inputSize], -1, 1), requiresGrad: true, label: "x")
            let mask = lengthsMask([steps, 4, 1])
            let inputs = stack.namedParameters.map(\.variable) + [x]
            let names = stack.namedParameters.map(\.name) + ["x"]
            func run() -> (output: Variable, state: [Variable]) {
                let result = stack(x, mask: mask, rng: &rng)
                return (result.output, result.state.flatMap { $0 })
            }
            stack.recompute = 0
            let full = valueAndGradients(inputs, run)
            stack.recompute = 2
            let segmented = valueAndGradients(inputs, run)
            assertClose(segmented.0, full.0, "\(name) stack: outputs and states")
            for (what, (a, b)) in zip(names, zip(segmented.1, full.1)) { assertClose(a, b, "\(name) stack: gradient of \(what)") }
        }
    }

    func testNoGradEvaluationKeepsTheSameValues() throws {
        let cell = try cell("lstm")
        var rng = RandomGenerator(seed: 7)
        let x = Variable(rng.uniformTensor([steps, batch, inputSize], -1, 1))
        let full = SequenceDriver.run(cell, input: x, initialState: cell.zeroState(batch: batch))
        let segmented = GradMode.withNoGrad {
            SequenceDriver.run(cell, input: x, initialState: cell.zeroState(batch: batch), recompute: 3)
        }
        assertClose(segmented.output.value, full.output.value, "no-grad output")
    }

    func testRecomputeIsRefusedWhereItCannotWork() throws {
        let cells = builtinCells()
        XCTAssertNoThrow(try StackConfig(cell: "lstm", hiddenSize: 8, recompute: 0).checkRecompute(cells: cells))
        XCTAssertNoThrow(try StackConfig(cell: "gru", hiddenSize: 8, recompute: 100).checkRecompute(cells: cells))
        XCTAssertThrowsMessage(try StackConfig(cell: "lstm", hiddenSize: 8, recompute: -1).checkRecompute(cells: cells),
                               ["--recompute must be 0 (off) or a positive segment length K", "got -1"])
        XCTAssertThrowsMessage(try StackConfig(cell: "lstm", hiddenSize: 8, path: .generic, recompute: 10).checkRecompute(cells: cells),
                               ["fused path only", "--no-fused"])
        XCTAssertThrowsMessage(try StackConfig(cell: "indrnn", hiddenSize: 8, recompute: 10).checkRecompute(cells: cells),
                               ["--recompute", "cell 'indrnn'", "no fused path"])
    }

    func testAConfigWrittenBeforeRecomputeLoadsWithItOff() throws {
        let config = RunConfig(task: "adding", stack: StackConfig(cell: "lstm", hiddenSize: 8, recompute: 25))
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: config.encoded()) as? [String: Any])
        var stack = try XCTUnwrap(object["stack"] as? [String: Any])
        XCTAssertEqual(stack["recompute"] as? Int, 25)
        XCTAssertEqual(try RunConfig.decode(object, source: "new.json").stack.recompute, 25)
        stack["recompute"] = nil
        object["stack"] = stack
        let old = try RunConfig.decode(object, source: "old.json")
        XCTAssertEqual(old.stack.recompute, 0)
        XCTAssertEqual(old.stack.cell, "lstm")
    }
}
