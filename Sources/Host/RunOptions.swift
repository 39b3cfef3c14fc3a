import ArgumentParser
import Foundation
import RecurKit

extension OptimizerKind: ExpressibleByArgument {}
extension LearningRateSchedule.Kind: ExpressibleByArgument {}

/// The options every task shares. Unset ones take the task's recipe, then `--config`'s values.
/// Numbers parse unconditionally so that `--hidden -3` reaches validation (and its message)
/// instead of being taken for a flag.
struct RunOptions: ParsableArguments {
    @Option(help: "Cell name (see `recur list cells`).") var cell: String?
    @Option(parsing: .unconditional, help: "Layers in the cell stack.") var layers: Int?
    @Option(parsing: .unconditional, help: "Hidden size of each cell.") var hidden: Int?
    @Flag(inversion: .prefixedNo, help: "Run every layer in both directions (--no-bidirectional: forward only, where a task defaults to both).")
    var bidirectional: Bool?
    @Option(parsing: .unconditional, help: "Dropout between layers, in [0, 1).") var dropout: Float?
    @Flag(help: "Residual connections between layers of equal width.") var residual = false
    @Option(name: .customLong("cell-option"), help: "Cell option key=value (repeatable).") var cellOptions: [String] = []
    @Option(help: "Data file (default: the task's own).") var data: String?
    @Option(parsing: .unconditional, help: "Training steps (optimizer updates).") var steps: Int?
    @Option(parsing: .unconditional, help: "Training epochs (when --steps is not given).") var epochs: Int?
    @Option(parsing: .unconditional, help: "Stop after this many minutes (checkpointed as at the end).") var minutes: Double?
    @Option(parsing: .unconditional, help: "Batch size.") var batch: Int?
    @Option(name: .customLong("seq-len"), parsing: .unconditional, help: "Truncated-BPTT length.") var seqLen: Int?
    @Option(help: "adam, sgd or adagrad.") var optimizer: OptimizerKind?
    @Option(parsing: .unconditional, help: "Learning rate.") var lr: Float?
    @Option(parsing: .unconditional, help: "SGD momentum.") var momentum: Float?
    @Option(name: .customLong("lr-schedule"), help: "constant, step (--lr-step, --lr-gamma), cosine (to 0 over the planned steps), plateau (--lr-gamma after --patience evaluations without improvement) or wlm (÷4 after any evaluation without improvement, as PyTorch's word_language_model).")
    var lrSchedule: LearningRateSchedule.Kind?
    @Option(name: .customLong("lr-step"), parsing: .unconditional, help: "--lr-schedule step: steps between reductions.") var lrStep: Int?
    @Option(name: .customLong("lr-gamma"), parsing: .unconditional, help: "--lr-schedule step/plateau: factor of each reduction (default 0.1).") var lrGamma: Float?
    @Option(parsing: .unconditional, help: "Steps of linear learning-rate warm-up (any schedule).") var warmup: Int?
    @Option(parsing: .unconditional, help: "--lr-schedule plateau: evaluations without improvement before a reduction (default 10).") var patience: Int?
    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: "Decoupled weight decay λ, as AdamW: w ← w − lr·λ·w each step.") var weightDecay: Float?
    @Option(name: .customLong("label-smoothing"), parsing: .unconditional, help: "Label smoothing ε of the training cross-entropy, in [0, 1).") var labelSmoothing: Float?
    @Option(name: .customLong("embedding-dropout"), parsing: .unconditional, help: "Drop whole embedding rows (every occurrence of a token) with this probability per batch.") var embeddingDropout: Float?
    @Option(help: ArgumentHelp("The validation metric that picks the best evaluation (default: the task's; see `recur run TASK --help`).", valueName: "metric[:min|max]")) var monitor: String?
    @Option(name: .customLong("early-stop"), parsing: .unconditional, help: ArgumentHelp("Stop after N evaluations in a row without a new best (keeps the best weights: implies --keep-best).", valueName: "N")) var earlyStop: Int?
    @Flag(name: .customLong("keep-best"), help: "Keep best.safetensors: the weights of the best evaluation (for `--best` on eval, sample, predict, export).") var keepBest = false
    @Option(parsing: .unconditional, help: "Clip the global gradient norm to this value (0: no clipping).") var clip: Float?
    @Option(parsing: .unconditional, help: "Random seed (initialisation and training).") var seed: UInt64?
    @Option(parsing: .unconditional, help: "Threads: they share the recurrent sweep, the matrix products and the element-wise work between them.") var threads: Int?
    @Option(name: .customLong("eval-every"), parsing: .unconditional, help: "Evaluate every N steps.") var evalEvery: Int?
    @Option(name: .customLong("checkpoint-every"), parsing: .unconditional, help: "Checkpoint every N steps.") var checkpointEvery: Int?
    @Option(name: .customLong("log-every"), parsing: .unconditional, help: "Log every N steps.") var logEvery: Int?
    @Flag(name: .customLong("no-fused"), help: "Use the generic autodiff path even where a fused one exists.") var noFused = false
    @Option(parsing: .unconditional, help: ArgumentHelp("Keep the recurrent state only every K steps and recompute the rest during backward: memory grows as T/K + K instead of T, for about one more forward pass of time (K ≈ √T keeps least; 0, the default: keep every step). Fused lstm, gru, rnn and cifg only.", valueName: "K")) var recompute: Int?
    @Option(help: "A JSON run config (such as a run's config.json) to start from.") var config: String?

    /// Flags given on the command line whose use depends on the task.
    var givenFlags: [String] {
        (seqLen != nil ? ["seq-len"] : []) + (data != nil ? ["data"] : [])
            + (labelSmoothing != nil ? ["label-smoothing"] : []) + (embeddingDropout != nil ? ["embedding-dropout"] : [])
    }

    /// Task recipe ← --config file ← command-line flags.
    func resolve(task descriptor: TaskDescriptor, taskOptions: [String: String]) throws -> RunConfig {
        var base = descriptor.defaultConfig()
        if let file = config { base = try merged(base, file: file) }
        var c = base
        c.task = descriptor.name
        if let v = cell { c.stack.cell = v }
        if let v = layers { c.stack.layers = v }
        if let v = hidden { c.stack.hiddenSize = v }
        if let v = bidirectional { c.stack.bidirectional = v }
        if let v = dropout { c.stack.dropout = v }
        if residual { c.stack.residual = true }
        if cell != nil && cell != base.stack.cell { c.stack.cellOptions = [:] }
        c.stack.cellOptions = try Registries.cells.lookup(c.stack.cell).options
            .resolve(stored: c.stack.cellOptions, text: try parseKeyValues(cellOptions, flag: "--cell-option"))
        if let v = data { c.data = URL(fileURLWithPath: v).path }
        if let v = steps { c.steps = v; c.epochs = nil }
        if let v = epochs { c.epochs = v; if steps == nil { c.steps = nil } }
        if let v = minutes { c.minutes = v }
        if let v = batch { c.batch = v }
        if let v = seqLen { c.seqLen = v }
        if let v = optimizer { c.optimizer = v }
        if let v = lr { c.learningRate = v }
        if let v = momentum { c.momentum = v }
        if let v = clip { c.clip = v }
        if let v = seed { c.seed = v }
        if let v = threads { c.threads = v }
        if let v = evalEvery { c.evalEvery = v }
        if let v = checkpointEvery { c.checkpointEvery = v }
        if let v = logEvery { c.logEvery = v }
        if noFused { c.stack.path = .generic }
        if let v = recompute { c.stack.recompute = v }
        try resolveRegime(&c)
        c.taskOptions = try descriptor.options.resolve(stored: base.taskOptions, text: taskOptions)
        try Self.check(c)
        return c
    }

    /// The schedule, regularisers and best-checkpoint flags, with the combinations that mean nothing refused.
    func resolveRegime(_ c: inout RunConfig) throws {
        if let v = lrSchedule {
            if v != c.schedule.kind { c.schedule = LearningRateSchedule(kind: v, warmup: c.schedule.warmup) }
        }
        let kind = c.schedule.kind
        if lrStep != nil && kind != .step { throw UserError("--lr-step is for --lr-schedule step (the schedule is \(kind.rawValue))") }
        if lrGamma != nil && kind != .step && kind != .plateau {
            throw UserError("--lr-gamma is for --lr-schedule step or plateau (the schedule is \(kind.rawValue)\(kind == .wlm ? ", which always divides by 4" : ""))")
        }
        if patience != nil && kind != .plateau {
            throw UserError("--patience is for --lr-schedule plateau (the schedule is \(kind.rawValue)); to stop training, use --early-stop N")
        }
        if let v = lrStep { c.schedule.stepSize = v }
        if let v = lrGamma { c.schedule.gamma = v }
        if let v = warmup { c.schedule.warmup = v }
        if let v = patience { c.schedule.patience = v }
        if let v = weightDecay { c.weightDecay = v }
        if let v = labelSmoothing { c.labelSmoothing = v }
        if let v = embeddingDropout { c.embeddingDropout = v }
        if let v = monitor { do { c.monitor = try Monitor(parsing: v) } catch let error as RunError { throw UserError(error.message) } }
        if let v = earlyStop { c.earlyStop = v; c.keepBest = true }
        if keepBest { c.keepBest = true }
    }

    /// Refuses values no run can use, saying which flag and what would be right.
    static func check(_ c: RunConfig) throws {
        func positive(_ value: Int?, _ flag: String) throws {
            if let value, value < 1 { throw UserError("--\(flag) must be at least 1 (got \(value))") }
        }
        try positive(c.stack.layers, "layers")
        try positive(c.stack.hiddenSize, "hidden")
        try positive(c.steps, "steps")
        try positive(c.epochs, "epochs")
        try positive(c.batch, "batch")
        try positive(c.seqLen, "seq-len")
        try positive(c.threads, "threads")
        try positive(c.evalEvery, "eval-every")
        try positive(c.checkpointEvery, "checkpoint-every")
        try positive(c.logEvery, "log-every")
        do { try c.stack.checkRecompute(cells: Registries.cells) } catch let error as RunError { throw UserError(error.message) }
        guard c.stack.dropout >= 0 && c.stack.dropout < 1 else { throw UserError("--dropout must be in [0, 1) (got \(c.stack.dropout))") }
        guard c.learningRate > 0 && c.learningRate.isFinite else { throw UserError("--lr must be positive (got \(c.learningRate))") }
        guard c.clip >= 0 else { throw UserError("--clip must be 0 (off) or positive (got \(c.clip))") }
        guard c.momentum >= 0 && c.momentum < 1 else { throw UserError("--momentum must be in [0, 1) (got \(c.momentum))") }
        if let m = c.minutes, !(m > 0) { throw UserError("--minutes must be positive (got \(m))") }
        for rule in c.regimeRules where !rule.holds { throw UserError("--\(rule.flag): \(rule.rule) (got \(rule.value))") }
        do { try c.schedule.checkComplete(plannedSteps: c.steps ?? c.epochs) } catch let error as RunError { throw UserError(error.message) }
        do { try c.checkFitsInMemory(source: "--hidden/--layers/--embedding/--batch/--seq-len") } catch let error as RunError { throw UserError(error.message) }
    }

    /// Overlays a JSON file's keys (shallowly; `stack` and `taskOptions` key by key) on `base`,
    /// after upgrading the file from whatever format wrote it.
    func merged(_ base: RunConfig, file: String) throws -> RunConfig {
        let url = URL(fileURLWithPath: file)
        // The reader of every file from outside: a FIFO or a device is refused instead of hanging.
        let data = try RegularFile.read(url, limit: 16 << 20, followingLinks: true)
        guard let parsed = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw UserError("\(file): not a JSON object")
        }
        var overlay = try RunConfigMigrations.upgrade(parsed, source: file)
        overlay["format"] = nil
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(base)) as! [String: Any]
        for (key, value) in overlay {
            if let nested = value as? [String: Any], var inner = object[key] as? [String: Any] {
                for (k, v) in nested { inner[k] = v }
                object[key] = inner
            } else {
                object[key] = value
            }
        }
        return try RunConfig.decode(object, source: file)
    }
}
