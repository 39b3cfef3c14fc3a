/// Everything that defines a training run; written to `config.json` at start and stored in
/// checkpoints, so a run can be resumed or inspected without the command line that made it.
public struct RunConfig: Codable, Sendable, Equatable {
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
    public var path: SequenceDriver.Path
    public var taskOptions: [String: String]

    public init(task: String, stack: StackConfig, steps: Int? = nil, epochs: Int? = nil, minutes: Double? = nil,
                batch: Int = 32, seqLen: Int = 100, optimizer: OptimizerKind = .adam, learningRate: Float = 2e-3,
                momentum: Float = 0, clip: Float = 5, seed: UInt64 = 0, threads: Int = 1, evalEvery: Int = 250,
                checkpointEvery: Int = 250, logEvery: Int = 10, data: String? = nil, path: SequenceDriver.Path = .fused,
                taskOptions: [String: String] = [:]) {
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
        self.path = path
        self.taskOptions = taskOptions
    }
}
