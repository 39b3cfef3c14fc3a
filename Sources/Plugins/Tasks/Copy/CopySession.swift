import Foundation
import RecurKit

/// A copy-memory run. As in `adding`, training batch s is generated from (seed, s) and the test
/// set is a fixed seeded draw, so runs are reproducible and resumable without stored data.
public final class CopySession: TaskSession, GradientFlowProbing {
    public let config: RunConfig
    public let problem: CopyProblem
    public let model: CopyModel
    private let test: (inputs: [Int32], targets: [Int32])
    private let testSize: Int

    public init(config: RunConfig, context: TaskContext) throws {
        self.config = config
        let blanks: Int = try config.taskOption("length")
        let symbols: Int = try config.taskOption("symbols")
        let alphabet: Int = try config.taskOption("alphabet")
        testSize = try config.taskOption("test-size")
        guard blanks >= 1 else { throw TaskOptionError("--length must be at least 1 (got \(blanks))") }
        guard symbols >= 1 else { throw TaskOptionError("--symbols must be at least 1 (got \(symbols))") }
        guard alphabet >= 2 else { throw TaskOptionError("--alphabet must be at least 2 (got \(alphabet))") }
        guard testSize >= 1 else { throw TaskOptionError("--test-size must be at least 1 (got \(testSize))") }
        problem = CopyProblem(blanks: blanks, symbols: symbols, alphabet: alphabet)
        var rng = RandomGenerator(seed: config.seed)
        model = try CopyModel(problem: problem, stack: config.stack, cells: context.cells, rng: &rng)
        model.rnn.path = config.path
        var testRNG = RandomGenerator(seed: config.seed ^ 0x7E57_5E7)
        test = problem.batch(count: testSize, rng: &testRNG)
    }

    public var parameters: [NamedParameter] { model.namedParameters }
    /// Generated data has no epochs; `--epochs N` means N × 100 steps.
    public var stepsPerEpoch: Int { 100 }
    public var itemName: String { "sequences" }

    public func trainingLoss(step: Int, rng: inout RandomGenerator) throws -> (loss: Variable, items: Int) {
        var data = RandomGenerator(seed: (config.seed &* 0x9E37_79B9_7F4A_7C15) &+ UInt64(step) &+ 1)
        let (inputs, targets) = problem.batch(count: config.batch, rng: &data)
        let logits = model(problem.oneHot(inputs, count: config.batch), training: true, rng: &rng)
        return (crossEntropy(logits: logits, targets: targets), config.batch)
    }

    /// Per-step cross-entropy over the test set, the memoryless baseline, and the accuracy on
    /// the S recalled symbols alone (blanks are easy and would hide a model that remembers nothing).
    public func evaluate() throws -> [String: Double] {
        let logits = GradMode.withNoGrad {
            var rng = RandomGenerator(seed: 0)
            return model(problem.oneHot(test.inputs, count: testSize), training: false, rng: &rng)
        }
        let loss = Double(crossEntropy(logits: logits, targets: test.targets).value.scalar)
        let predictions = logits.value.argmax(axis: -1)
        var correct = 0
        for t in (problem.steps - problem.symbols)..<problem.steps {
            for b in 0..<testSize where predictions[t * testSize + b] == Int(test.targets[t * testSize + b]) { correct += 1 }
        }
        return ["val_loss": loss, "val_recall_accuracy": Double(correct) / Double(problem.symbols * testSize),
                "val_baseline_loss": problem.baselineLoss]
    }

    public func trainingState() -> (tensors: [String: Tensor], info: [String: String]) { ([:], [:]) }
    public func restoreTrainingState(tensors: [String: Tensor], info: [String: String]) throws {}
    public func artifacts() throws -> [String: Data] { [:] }

    /// Cross-entropy of the final step's prediction (the last recalled symbol). `length` is the
    /// blank stretch, as `--length`, so the probe spans length + 2S steps.
    public func gradientFlowProbe(length: Int, batch: Int, rng: inout RandomGenerator) throws -> GradientFlowProbe {
        let probeProblem = CopyProblem(blanks: length, symbols: problem.symbols, alphabet: problem.alphabet)
        let (inputs, targets) = probeProblem.batch(count: batch, rng: &rng)
        let last = Array(targets.suffix(batch))
        let head = model.head
        return GradientFlowProbe(stack: model.rnn, inputs: Variable(probeProblem.oneHot(inputs, count: batch))) { h in
            crossEntropy(logits: head(h), targets: last, reduction: .sum)
        }
    }
}
