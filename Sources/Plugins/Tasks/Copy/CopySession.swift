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

    private let seeds: Seeds

    public init(config: RunConfig, options: CopyOptions = .init(), context: TaskContext) throws {
        self.config = config
        testSize = options.testSize
        seeds = context.seeds
        problem = CopyProblem(blanks: options.length, symbols: options.symbols, alphabet: options.alphabet)
        var rng = RandomGenerator(seed: seeds.model)
        model = try CopyModel(problem: problem, stack: config.stack, cells: context.cells, rng: &rng)
        var testRNG = RandomGenerator(seed: seeds.evaluation)
        test = problem.batch(count: testSize, rng: &testRNG)
    }

    public var parameters: [NamedParameter] { model.namedParameters }
    /// Generated data has no epochs; `--epochs N` means N × 100 steps.
    public var stepsPerEpoch: Int { 100 }
    public var itemName: String { "sequences" }

    /// The step's global batch is generated whole, from the step's own seed, so that every rank
    /// sees the batch one process would; each trains on its own rows of it.
    public func trainingLoss(step: Int, shard: BatchShard, rng: inout RandomGenerator) throws -> (loss: Variable, items: Int) {
        var data = RandomGenerator(seed: seeds.data(step: step))
        let (whole, wholeTargets) = problem.batch(count: config.batch, rng: &data)
        let rows = shard.rows.count
        let inputs = shard.columns(of: whole, steps: problem.steps), targets = shard.columns(of: wholeTargets, steps: problem.steps)
        let logits = model(problem.oneHot(inputs, count: rows), training: true, rng: &rng)
        return (crossEntropy(logits: logits, targets: targets, labelSmoothing: config.labelSmoothing), rows)
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
