import XCTest
import CopyTask
import RecurKit

final class CopyTaskTests: XCTestCase {
    func testLayoutSymbolsBlanksDelimiterThenRecall() {
        let problem = CopyProblem(blanks: 4, symbols: 3, alphabet: 5)
        var rng = RandomGenerator(seed: 1)
        let (inputs, targets) = problem.batch(count: 2, rng: &rng)
        XCTAssertEqual(problem.steps, 10)
        for b in 0..<2 {
            let x = (0..<10).map { inputs[$0 * 2 + b] }, y = (0..<10).map { targets[$0 * 2 + b] }
            XCTAssertTrue(x[0..<3].allSatisfy { (1...5).contains($0) })
            XCTAssertEqual(Array(x[3...]), [0, 0, 0, 6, 0, 0, 0])
            XCTAssertEqual(Array(y[..<7]), [0, 0, 0, 0, 0, 0, 0])
            XCTAssertEqual(Array(y[7...]), Array(x[0..<3]))
        }
        XCTAssertEqual(problem.baselineLoss, 3 * log(5.0) / 10, accuracy: 1e-12)
        let hot = problem.oneHot(inputs, count: 2)
        XCTAssertEqual(hot.shape, [10, 2, 7])
        XCTAssertEqual(hot.scalars.reduce(0, +), 20)
    }

    func config(cell: String) -> RunConfig {
        var c = RunConfig(task: "copy", stack: StackConfig(cell: cell, hiddenSize: 16))
        CopyPlugin.descriptor.defaults(&c)
        c.stack.hiddenSize = 16
        c.batch = 16
        c.learningRate = 0.01
        c.taskOptions = try! CopyPlugin.descriptor.resolveOptions(["length": "3", "symbols": "2", "alphabet": "3", "test-size": "64"])
        return c
    }

    /// Every cell runs; an LSTM learns to recall two symbols across three blanks.
    func testEveryCellTrainsAndLSTMRecallsAShortSequence() throws {
        for cell in ["rnn", "gru"] {
            let session = try CopyPlugin.descriptor.makeSession(config(cell: cell), TaskContext(cells: memoryTaskCells()))
            var rng = RandomGenerator(seed: 0)
            XCTAssertTrue(try session.trainingLoss(step: 0, rng: &rng).loss.value.scalar.isFinite)
        }
        let session = try CopyPlugin.descriptor.makeSession(config(cell: "lstm"), TaskContext(cells: memoryTaskCells()))
        let optimizer = OptimizerKind.adam.make(learningRate: 0.02)
        var rng = RandomGenerator(seed: 0)
        for step in 0..<300 {
            for (_, p) in session.parameters { p.zeroGrad() }
            try session.trainingLoss(step: step, rng: &rng).loss.backward()
            optimizer.step(session.parameters)
        }
        let metrics = try session.evaluate()
        XCTAssertGreaterThan(metrics["val_recall_accuracy"]!, 0.9)
        XCTAssertLessThan(metrics["val_loss"]!, metrics["val_baseline_loss"]!)
    }

    func testGradientFlowProbeSpansBlanksAndSymbols() throws {
        let session = try CopyPlugin.descriptor.makeSession(config(cell: "gru"), TaskContext(cells: memoryTaskCells()))
        var rng = RandomGenerator(seed: 9)
        let probe = try (session as! any GradientFlowProbing).gradientFlowProbe(length: 5, batch: 3, rng: &rng)
        XCTAssertEqual(try GradientFlow.measure(probe).norms.count, 5 + 2 * 2 + 1)
    }
}
