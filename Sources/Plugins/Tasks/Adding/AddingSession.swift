import Foundation
import RecurKit

/// An adding-problem run. Data is generated, never stored: training batch s comes from its own
/// stream seeded by (seed, s), so a resumed run sees exactly the batches it would have seen;
/// the test set is a fixed seeded draw of `test-size` sequences.
public final class AddingSession: TaskSession, GradientFlowProbing {
    public let config: RunConfig
    public let model: AddingModel
    public let length: Int
    private let test: (inputs: Tensor, targets: Tensor)

    private let seeds: Seeds

    public init(config: RunConfig, options: AddingOptions = .init(), context: TaskContext) throws {
        self.config = config
        length = options.length
        seeds = context.seeds
        var rng = RandomGenerator(seed: seeds.model)
        model = try AddingModel(stack: config.stack, cells: context.cells, rng: &rng)
        var testRNG = RandomGenerator(seed: seeds.evaluation)
        test = AddingProblem.batch(count: options.testSize, length: length, rng: &testRNG)
    }

    public var parameters: [NamedParameter] { model.namedParameters }
    /// Generated data has no epochs; `--epochs N` means N × 100 steps.
    public var stepsPerEpoch: Int { 100 }
    public var itemName: String { "sequences" }

    /// The step's global batch is generated whole, from the step's own seed, so that every rank
    /// sees the batch one process would; each trains on its own rows of it.
    public func trainingLoss(step: Int, shard: BatchShard, rng: inout RandomGenerator) throws -> (loss: Variable, items: Int) {
        var data = RandomGenerator(seed: seeds.data(step: step))
        let (whole, wholeTargets) = AddingProblem.batch(count: config.batch, length: length, rng: &data)
        let rows = shard.rows.count
        let inputs = Tensor(shape: [length, rows, 2], scalars: shard.columns(of: whole.scalars, steps: length, width: 2))
        let targets = Tensor(shape: [rows, 1], scalars: shard.part(of: wholeTargets.scalars))
        return (meanSquaredError(model(inputs, training: true, rng: &rng), targets), rows)
    }

    /// Test MSE, in batches of `--batch` to bound memory; `val_baseline_mse` is the score of always answering 1.
    public func evaluate() throws -> [String: Double] {
        var rng = RandomGenerator(seed: 0)
        let count = test.targets.count
        var squared = 0.0, baseline = 0.0
        var start = 0
        while start < count {
            let n = min(config.batch, count - start)
            var inputs = [Float](repeating: 0, count: length * n * 2)
            for t in 0..<length {
                let row = t * count * 2 + start * 2
                inputs.replaceSubrange((t * n * 2)..<((t + 1) * n * 2), with: test.inputs.scalars[row..<(row + n * 2)])
            }
            let targets = Tensor(shape: [n, 1], scalars: Array(test.targets.scalars[start..<(start + n)]))
            let prediction = GradMode.withNoGrad { model(Tensor(shape: [length, n, 2], scalars: inputs), training: false, rng: &rng) }
            squared += Double(meanSquaredError(prediction, targets, reduction: .sum).value.scalar)
            baseline += targets.scalars.reduce(0) { $0 + Double(($1 - 1) * ($1 - 1)) }
            start += n
        }
        return ["val_loss": squared / Double(count), "val_mse": squared / Double(count), "val_baseline_mse": baseline / Double(count)]
    }

    /// Squared error of the final prediction on fresh sequences of `length` steps.
    public func gradientFlowProbe(length: Int, batch: Int, rng: inout RandomGenerator) throws -> GradientFlowProbe {
        let (inputs, targets) = AddingProblem.batch(count: batch, length: length, rng: &rng)
        let head = model.head
        return GradientFlowProbe(stack: model.rnn, inputs: Variable(inputs)) { h in
            meanSquaredError(head(h), targets, reduction: .sum)
        }
    }
}
