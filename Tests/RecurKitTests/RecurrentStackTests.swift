import XCTest
import RecurKit

final class RecurrentStackTests: XCTestCase {
    func make(_ config: StackConfig, input: Int = 3) throws -> RecurrentStack {
        var rng = RandomGenerator(seed: 1)
        return try RecurrentStack(config, inputSize: input, registry: builtinCells(), rng: &rng)
    }

    func testPyTorchParameterNamesAndShapes() throws {
        let stack = try make(StackConfig(cell: "lstm", hiddenSize: 4, layers: 2, bidirectional: true))
        let shapes = Dictionary(uniqueKeysWithValues: stack.namedParameters.map { ($0.name, $0.variable.shape) })
        XCTAssertEqual(shapes["weight_ih_l0"], [16, 3])
        XCTAssertEqual(shapes["weight_hh_l0_reverse"], [16, 4])
        XCTAssertEqual(shapes["weight_ih_l1"], [16, 8])
        XCTAssertEqual(shapes["bias_hh_l1_reverse"], [16])
        XCTAssertEqual(stack.namedParameters.count, 16)
    }

    func testDropoutOnlyBetweenLayersAndOnlyWhenTraining() throws {
        let stack = try make(StackConfig(cell: "gru", hiddenSize: 4, layers: 2, dropout: 0.5))
        var rng = RandomGenerator(seed: 3)
        let x = Variable(rng.uniformTensor([5, 2, 3], -1, 1))
        let evalA = stack(x, rng: &rng).output.value, evalB = stack(x, rng: &rng).output.value
        XCTAssertEqual(evalA, evalB)
        let trained = stack(x, training: true, rng: &rng).output.value
        XCTAssertNotEqual(trained, evalA)
    }

    func testResidualAddsTheLayerInput() throws {
        var config = StackConfig(cell: "rnn", hiddenSize: 3, layers: 2, residual: true)
        let plain = try make({ config.residual = false; return config }())
        config.residual = true
        let residual = try make(config)
        var rng = RandomGenerator(seed: 3)
        let x = Variable(rng.uniformTensor([4, 2, 3], -1, 1))
        let first = SequenceDriver.run(residual.cells[0], input: x, initialState: residual.cells[0].zeroState(batch: 2))
        let second = SequenceDriver.run(residual.cells[1], input: first.output, initialState: residual.cells[1].zeroState(batch: 2))
        XCTAssertTrue(residual(x, rng: &rng).output.value.isClose(to: (second.output + first.output).value))
        XCTAssertFalse(plain(x, rng: &rng).output.value.isClose(to: residual(x, rng: &rng).output.value))
    }

    func testTruncatedBPTTDetachesTheCarriedState() throws {
        let stack = try make(StackConfig(cell: "lstm", hiddenSize: 4))
        var rng = RandomGenerator(seed: 3)
        let x1 = Variable(rng.uniformTensor([3, 2, 3], -1, 1)), x2 = Variable(rng.uniformTensor([3, 2, 3], -1, 1))
        let first = stack(x1, rng: &rng)
        let carried = first.state.map { $0.map { $0.detached() } }
        let second = stack(x2, initialState: carried, rng: &rng)
        second.output.sum().backward()
        XCTAssertTrue(carried.allSatisfy { $0.allSatisfy { $0.grad == nil } })
        XCTAssertNil(first.output.grad)
    }
}
