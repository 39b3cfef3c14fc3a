import XCTest
import AddingTask
import RecurBuiltins
import RecurKit
import LSTMCell
import GRUCell
import VanillaRNNCell

func memoryTaskCells() -> Registry<CellDescriptor> { Builtins.cells() }

final class AddingTaskTests: XCTestCase {
    func testSequencesHaveOneMarkerInEachHalfAndTheirSumAsTarget() {
        var rng = RandomGenerator(seed: 1)
        let (inputs, targets) = AddingProblem.batch(count: 50, length: 20, rng: &rng)
        XCTAssertEqual(inputs.shape, [20, 50, 2])
        XCTAssertEqual(targets.shape, [50, 1])
        for b in 0..<50 {
            let marked = (0..<20).filter { inputs.scalars[($0 * 50 + b) * 2 + 1] == 1 }
            XCTAssertEqual(marked.count, 2)
            XCTAssertLessThan(marked[0], 10)
            XCTAssertGreaterThanOrEqual(marked[1], 10)
            let sum = marked.map { inputs.scalars[($0 * 50 + b) * 2] }.reduce(0, +)
            XCTAssertEqual(targets.scalars[b], sum, accuracy: 1e-6)
        }
    }

    func testAnsweringOneScoresAboutOneSixth() {
        var rng = RandomGenerator(seed: 2)
        let targets = AddingProblem.batch(count: 20_000, length: 10, rng: &rng).targets.scalars
        let mse = targets.reduce(0.0) { $0 + Double(($1 - 1) * ($1 - 1)) } / Double(targets.count)
        XCTAssertEqual(mse, 1.0 / 6, accuracy: 0.01)
    }

    func config(cell: String, length: Int = 6) -> RunConfig {
        var c = RunConfig(task: "adding", stack: StackConfig(cell: cell, hiddenSize: 8))
        AddingPlugin.descriptor.defaults(&c)
        c.stack.hiddenSize = 8
        c.batch = 16
        c.learningRate = 0.01
        c.taskOptions = try! AddingPlugin.descriptor.resolveOptions(["length": "\(length)", "test-size": "64"])
        return c
    }

    func testSameSeedSameDataAndLossesForEveryCell() throws {
        for cell in ["rnn", "lstm", "gru"] {
            let a = try AddingPlugin.descriptor.makeSession(config(cell: cell), TaskContext(cells: memoryTaskCells()))
            let b = try AddingPlugin.descriptor.makeSession(config(cell: cell), TaskContext(cells: memoryTaskCells()))
            var rngA = RandomGenerator(seed: 5), rngB = RandomGenerator(seed: 5)
            XCTAssertEqual(try a.trainingLoss(step: 3, rng: &rngA).loss.value.scalar, try b.trainingLoss(step: 3, rng: &rngB).loss.value.scalar)
            let metrics = try a.evaluate()
            XCTAssertEqual(metrics["val_loss"], metrics["val_mse"])
            XCTAssertEqual(metrics["val_baseline_mse"]!, 1.0 / 6, accuracy: 0.06)
            XCTAssertEqual(a.parameters.last?.name, "head.bias")
        }
    }

    /// A short problem is learned well below the constant-1 baseline in a few hundred steps.
    func testLSTMLearnsAShortProblem() throws {
        let session = try AddingPlugin.descriptor.makeSession(config(cell: "lstm", length: 5), TaskContext(cells: memoryTaskCells()))
        let optimizer = OptimizerKind.adam.make(learningRate: 0.01)
        var rng = RandomGenerator(seed: 0)
        for step in 0..<300 {
            for (_, p) in session.parameters { p.zeroGrad() }
            try session.trainingLoss(step: step, rng: &rng).loss.backward()
            optimizer.step(session.parameters)
        }
        XCTAssertLessThan(try session.evaluate()["val_mse"]!, 0.03)
    }

    func testGradientFlowProbeMeasuresTheTrainedStack() throws {
        let session = try AddingPlugin.descriptor.makeSession(config(cell: "lstm"), TaskContext(cells: memoryTaskCells()))
        var rng = RandomGenerator(seed: 9)
        let probe = try (session as! any GradientFlowProbing).gradientFlowProbe(length: 12, batch: 4, rng: &rng)
        let result = try GradientFlow.measure(probe)
        XCTAssertEqual(result.norms.count, 13)
        XCTAssertTrue(result.norms.allSatisfy { $0.isFinite && $0 > 0 })
    }

    func testBadLengthIsRefused() {
        var c = config(cell: "lstm")
        c.taskOptions["length"] = "1"
        XCTAssertThrowsError(try AddingPlugin.descriptor.makeSession(c, TaskContext(cells: memoryTaskCells()))) {
            XCTAssertEqual("\($0)", "--length 1: expected an integer ≥ 2")
        }
    }
}
