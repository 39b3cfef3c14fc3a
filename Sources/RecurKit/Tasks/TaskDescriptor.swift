import Foundation

/// What a task receives from the host.
public struct TaskContext: @unchecked Sendable {
    /// Cells come from here, by name: a task never imports a concrete cell.
    public let cells: Registry<CellDescriptor>
    /// Files the task wrote into an earlier run (`TaskSession.artifacts`), when loading one.
    public let artifacts: [String: Data]?
    /// The ranks of a data-parallel run (`nil`: one process). A task trains on its ``shard``
    /// of each global batch and gathers its training state across ranks in `trainingState()`.
    public let group: (any ProcessGroup)?

    public init(cells: Registry<CellDescriptor>, artifacts: [String: Data]? = nil, group: (any ProcessGroup)? = nil) {
        self.cells = cells
        self.artifacts = artifacts
        self.group = group
    }

    /// This rank's part of every global batch.
    public var shard: Shard { group.map { Shard(rank: $0.rank, count: $0.size) } ?? .whole }
}

/// A registered task: its name, options and defaults, and how to open a session.
public struct TaskDescriptor: Sendable, RegistryEntry {
    public let name: String
    public let summary: String
    public let version: String
    public var origin: String
    /// Options only this task has, with defaults.
    public let options: [TaskOption]
    /// The task's recipe for the common options (`batch`, `seqLen`, `learningRate`, …).
    public let defaults: @Sendable (inout RunConfig) -> Void
    /// Builds the data and a freshly initialised model (or, with artifacts in the context, the
    /// vocabulary of a saved run, ready for its weights).
    public let makeSession: @Sendable (RunConfig, TaskContext) throws -> any TaskSession

    public init(name: String, summary: String, version: String, origin: String = "built-in", options: [TaskOption],
                defaults: @escaping @Sendable (inout RunConfig) -> Void,
                makeSession: @escaping @Sendable (RunConfig, TaskContext) throws -> any TaskSession) {
        self.name = name
        self.summary = summary
        self.version = version
        self.origin = origin
        self.options = options
        self.defaults = defaults
        self.makeSession = makeSession
    }

    /// Fills in task options: each given one must be declared; the rest take their defaults.
    public func resolveOptions(_ given: [String: String]) throws -> [String: String] {
        let known = Dictionary(uniqueKeysWithValues: options.map { ($0.name, $0.defaultValue) })
        for key in given.keys.sorted() where known[key] == nil {
            let list = options.map { "--\($0.name)" }.joined(separator: ", ")
            throw TaskOptionError("task '\(name)' has no option --\(key); its own options are: \(list.isEmpty ? "none" : list)")
        }
        return known.merging(given) { _, new in new }
    }
}

/// One task instance with its data and model, driven by ``Trainer``.
public protocol TaskSession: AnyObject {
    /// Every trainable parameter under its saved name (PyTorch-compatible keys).
    var parameters: [NamedParameter] { get }
    /// Optimizer steps in one pass over the training data.
    var stepsPerEpoch: Int { get }
    /// What throughput counts: "chars", "tokens", "examples".
    var itemName: String { get }
    /// Builds the loss graph of training step `step` (0-based) and says how many items it covers.
    func trainingLoss(step: Int, rng: inout RandomGenerator) throws -> (loss: Variable, items: Int)
    /// Validation metrics; must include `val_loss`.
    func evaluate() throws -> [String: Double]
    /// Training position beyond the weights (data cursor, carried hidden state).
    func trainingState() -> (tensors: [String: Tensor], info: [String: String])
    func restoreTrainingState(tensors: [String: Tensor], info: [String: String]) throws
    /// Files that define the session besides its weights (vocabularies), written once per run.
    func artifacts() throws -> [String: Data]
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
