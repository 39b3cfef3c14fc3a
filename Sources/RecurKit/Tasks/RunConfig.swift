import Foundation

/// Everything that defines a training run; written to `config.json` at start and stored in
/// checkpoints, so a run can be resumed or inspected without the command line that made it.
public struct RunConfig: Codable, Sendable, Equatable {
    /// The layout of this struct in JSON; older layouts are upgraded by ``RunConfigMigrations``.
    public static let currentFormat = 3

    public var format: Int = RunConfig.currentFormat
    public var task: String
    public var stack: StackConfig
    /// Training length: `steps` wins over `epochs`; `minutes` stops early on a time budget.
    public var steps: Int?
    public var epochs: Int?
    public var minutes: Double?
    public var batch: Int
    public var seqLen: Int
    public var optimizer: OptimizerKind
    public var learningRate: Float
    public var momentum: Float
    /// Global gradient-norm clip; 0 turns clipping off.
    public var clip: Float
    public var seed: UInt64
    public var threads: Int
    public var evalEvery: Int
    public var checkpointEvery: Int
    public var logEvery: Int
    public var data: String?
    /// How the learning rate moves from `learningRate` (constant by default).
    public var schedule: LearningRateSchedule
    /// Decoupled weight decay λ, as AdamW: every step shrinks each weight, `w ← w − lr·λ·w`,
    /// before the optimizer's update (for every optimizer; 0 turns it off).
    public var weightDecay: Float
    /// Label smoothing ε of every cross-entropy training loss (validation is never smoothed).
    public var labelSmoothing: Float
    /// Probability of dropping a whole embedding row (every occurrence of a token) per
    /// training batch, as AWD-LSTM's embedding dropout; tasks without embeddings refuse it.
    public var embeddingDropout: Float
    /// The metric for the best checkpoint, `plateau` and early stopping; `nil`: the task's.
    public var monitor: Monitor?
    /// Stop after this many evaluations in a row without a new best; `nil`: never.
    public var earlyStop: Int?
    /// Keep `best.safetensors`: the weights of the evaluation with the best monitored metric.
    public var keepBest: Bool
    /// The task's own options, typed, as its ``PluginOptions`` struct encodes them.
    public var taskOptions: [String: JSONValue]

    public init(task: String, stack: StackConfig, steps: Int? = nil, epochs: Int? = nil, minutes: Double? = nil,
                batch: Int = 32, seqLen: Int = 100, optimizer: OptimizerKind = .adam, learningRate: Float = 2e-3,
                momentum: Float = 0, clip: Float = 5, seed: UInt64 = 0, threads: Int = 1, evalEvery: Int = 250,
                checkpointEvery: Int = 250, logEvery: Int = 10, data: String? = nil,
                schedule: LearningRateSchedule = .init(), weightDecay: Float = 0, labelSmoothing: Float = 0,
                embeddingDropout: Float = 0, monitor: Monitor? = nil, earlyStop: Int? = nil, keepBest: Bool = false,
                taskOptions: [String: JSONValue] = [:]) {
        self.task = task
        self.stack = stack
        self.steps = steps
        self.epochs = epochs
        self.minutes = minutes
        self.batch = batch
        self.seqLen = seqLen
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.momentum = momentum
        self.clip = clip
        self.seed = seed
        self.threads = threads
        self.evalEvery = evalEvery
        self.checkpointEvery = checkpointEvery
        self.logEvery = logEvery
        self.data = data
        self.schedule = schedule
        self.weightDecay = weightDecay
        self.labelSmoothing = labelSmoothing
        self.embeddingDropout = embeddingDropout
        self.monitor = monitor
        self.earlyStop = earlyStop
        self.keepBest = keepBest
        self.taskOptions = taskOptions
    }
}

extension RunConfig {
    /// Reads a run config from JSON of any format, upgrading it first; `source` names the file
    /// in errors.
    public static func decode(_ data: Data, source: String) throws -> RunConfig {
        guard let raw = try? JSONSerialization.jsonObject(with: data), let object = raw as? [String: Any] else {
            throw RunError("\(source): not a JSON object")
        }
        return try decode(object, source: source)
    }

    public static func decode(_ object: [String: Any], source: String) throws -> RunConfig {
        let upgraded = try RunConfigMigrations.upgrade(object, source: source)
        do {
            return try JSONDecoder().decode(RunConfig.self, from: JSONSerialization.data(withJSONObject: upgraded))
        } catch let error as DecodingError {
            throw RunError("\(source): not a valid run config (\(describe(error)))")
        }
    }

    /// The JSON a run directory stores.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// A decoding error as one line: the field path and what was wrong, without Foundation's wording.
func describe(_ error: DecodingError) -> String {
    func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
    case .typeMismatch(let type, let context): return "\(path(context.codingPath)) is not \(type)"
    case .valueNotFound(let type, let context): return "\(path(context.codingPath)) is null, expected \(type)"
    case .dataCorrupted(let context): return "\(path(context.codingPath)): \(context.debugDescription)"
    @unknown default: return "\(error)"
    }
}
