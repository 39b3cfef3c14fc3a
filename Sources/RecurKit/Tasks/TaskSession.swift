import Foundation

/// One task instance with its data and model, driven by ``Trainer``.
///
/// A task writes only what is its own: parameters, a loss for its share of a batch, and
/// evaluation. Training state beyond the weights and files besides them have defaults (none).
public protocol TaskSession: AnyObject {
    /// The run config the session was opened with.
    var config: RunConfig { get }
    /// Every trainable parameter under its saved name (PyTorch-compatible keys); a tied weight
    /// under each of its names (see ``distinctParameters(_:)``).
    var parameters: [NamedParameter] { get }
    /// Optimizer steps in one pass over the training data.
    var stepsPerEpoch: Int { get }
    /// What throughput counts: "chars", "tokens", "examples".
    var itemName: String { get }
    /// Builds the loss graph of training step `step` (0-based) over `shard`'s rows of the
    /// step's global batch, and says how many items it covers. The loss is the mean over those
    /// items; `rng` is the trainer's training stream (dropout).
    func trainingLoss(step: Int, shard: BatchShard, rng: inout RandomGenerator) throws -> (loss: Variable, items: Int)
    /// Validation metrics; must include `val_loss`.
    func evaluate() throws -> [String: Double]
    /// Training position beyond the weights (data cursor, carried hidden state). Default: none.
    func trainingState() -> (tensors: [String: Tensor], info: [String: String])
    func restoreTrainingState(tensors: [String: Tensor], info: [String: String]) throws
    /// Files that define the session besides its weights (vocabularies), written once per run.
    /// Default: none.
    func artifacts() throws -> [String: Data]
}

extension TaskSession {
    public func trainingState() -> (tensors: [String: Tensor], info: [String: String]) { ([:], [:]) }
    public func restoreTrainingState(tensors: [String: Tensor], info: [String: String]) throws {}
    public func artifacts() throws -> [String: Data] { [:] }

    /// The loss of step `step` over the whole batch, as one process computes it.
    public func trainingLoss(step: Int, rng: inout RandomGenerator) throws -> (loss: Variable, items: Int) {
        try trainingLoss(step: step, shard: BatchShard(batch: config.batch), rng: &rng)
    }
}

/// A task whose model writes text from a prime (char-lm).
public protocol TextGenerating: TaskSession {
    func generate(prime: String, length: Int, temperature: Float, topK: Int?, rng: inout RandomGenerator,
                  emit: (String) -> Void) throws
}

/// A task that can score a text file other than its validation split.
public protocol ExternallyEvaluable: TaskSession {
    func evaluate(file: URL) throws -> [String: Double]
}

/// A task-level failure with no single option to blame (a prime with unknown characters, a
/// model whose outputs are not finite).
public struct TaskError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
