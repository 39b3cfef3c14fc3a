import Foundation

/// Training stopped because the numbers went bad; the last good checkpoint is untouched.
public struct NonFiniteLossError: Error, CustomStringConvertible {
    public let step: Int
    public let what: String
    public let lastCheckpointStep: Int?
    public let checkpoint: URL

    public var description: String {
        let kept = lastCheckpointStep.map { "the last checkpoint (step \($0)) is kept at \(checkpoint.path)" }
            ?? "no checkpoint had been written yet"
        return "\(what) became non-finite at step \(step + 1); training stopped and \(kept)"
    }
}

/// What a finished (or interrupted) training run reports.
public struct TrainingSummary {
    public var runDirectory: URL
    public var steps: Int
    public var trainLoss: Double
    public var seconds: Double
    /// Wall time of the training steps alone (evaluation excluded).
    public var trainingSeconds: Double
    public var items: Int
    public var itemName: String
    public var metrics: [String: Double]
    public var interrupted: Bool
    /// Set when `--early-stop` ended the run.
    public var stoppedEarly: Bool = false
    /// The best monitored value and its step, when the run evaluated.
    public var monitor: Monitor? = nil
    public var best: (value: Double, step: Int)? = nil

    public var itemsPerSecond: Double { trainingSeconds > 0 ? Double(items) / trainingSeconds : 0 }

    public var json: [String: Any] {
        var object: [String: Any] = [
            "run_dir": runDirectory.path, "steps": steps, "train_loss": trainLoss, "seconds": seconds,
            "\(itemName)_per_second": itemsPerSecond, "interrupted": interrupted,
        ]
        for (k, v) in metrics { object[k] = v }
        if let monitor, let best {
            object["monitor"] = monitor.metric
            object["best_\(monitor.metric)"] = best.value
            object["best_step"] = best.step
        }
        if stoppedEarly { object["stopped_early"] = true }
        return object
    }
}

/// The generic training loop every task shares: forward → loss → backward → clip → step, with
/// logging, periodic evaluation, atomic checkpoints, Ctrl-C handling and non-finite detection.
public final class Trainer {
    public let config: RunConfig
    public let session: any TaskSession
    public let run: RunDirectory
    public let optimizer: any Optimizer
    public private(set) var rng: RandomGenerator
    public private(set) var step = 0
    private var seconds: Double = 0
    private var items = 0
    /// Time spent evaluating, kept out of throughput figures.
    private var evaluationSeconds: Double = 0
    private var metrics: [String: Double] = [:]
    private var lastCheckpointStep: Int?
    /// The metric that decides the best evaluation: `--monitor`, else the task's.
    public let monitor: Monitor
    public private(set) var monitorState = MonitorState()
    public private(set) var scheduleState = LearningRateSchedule.State()
    /// The learning rate of the step just taken.
    public private(set) var learningRate: Float
    /// Told of every logged step, evaluation and interruption (the host prints them).
    public let observer: (any TrainingObserver)?
    /// Losses of every step run in this process, for tests and summaries.
    public private(set) var losses: [Double] = []
    /// The ranks of a data-parallel run, or `nil` for one process. Only rank 0 evaluates, logs,
    /// prints and writes checkpoints.
    public let group: (any ProcessGroup)?

    /// `observer` hears from rank 0 only.
    public init(config: RunConfig, session: any TaskSession, run: RunDirectory, observer: (any TrainingObserver)? = nil,
                group: (any ProcessGroup)? = nil) {
        self.config = config
        self.session = session
        self.run = run
        self.group = group
        self.observer = group.map { $0.isLeader } == false ? nil : observer
        self.optimizer = config.optimizer.make(learningRate: config.learningRate, momentum: config.momentum)
        self.monitor = config.monitor ?? (try? Registries.tasks.lookup(config.task))?.monitor ?? Monitor("val_loss", .min)
        self.learningRate = config.learningRate
        // The model was initialised from `seed`; training randomness (dropout) gets its own stream.
        self.rng = RandomGenerator(seed: Seeds(config.seed).training)
    }

    /// Steps the run config asks for.
    public var plannedSteps: Int {
        if let steps = config.steps { return steps }
        if let epochs = config.epochs { return epochs * session.stepsPerEpoch }
        return config.minutes == nil ? 1000 : Int.max
    }

    /// The steps the schedule spans (`cosine` decays over them): the config's `steps` or
    /// `epochs`, never a resume's `--steps`, so that a longer resume does not change the
    /// rates of the steps already taken.
    public var scheduledSteps: Int? {
        config.steps ?? config.epochs.map { $0 * session.stepsPerEpoch }
    }

    /// The learning rate of step `step` (0-based) under the run's schedule.
    public func rate(at step: Int) -> Float {
        config.schedule.rate(base: config.learningRate, step: step, plannedSteps: scheduledSteps, state: scheduleState)
    }

    /// Continues from a checkpoint: weights, optimizer, RNG, data position, carried state.
    public func restore(_ checkpoint: Checkpoint, source: String) throws {
        do { try load(checkpoint.weights, into: session.parameters) } catch {
            throw RunError("\(source): \(error)")
        }
        do { try optimizer.load(state: checkpoint.optimizerState, parameters: session.parameters) } catch {
            throw RunError("\(source): \(error)")
        }
        try session.restoreTrainingState(tensors: checkpoint.taskTensors, info: checkpoint.position.taskInfo)
        rng = checkpoint.position.rng
        step = checkpoint.position.step
        seconds = checkpoint.position.seconds
        evaluationSeconds = checkpoint.position.evaluationSeconds
        items = checkpoint.position.items
        metrics = checkpoint.position.metrics
        scheduleState = checkpoint.position.schedule ?? .init()
        monitorState = checkpoint.position.monitor ?? .init()
        lastCheckpointStep = step
        if isLeader { try run.trimLog(after: step) }
    }

    private var isLeader: Bool { group?.isLeader ?? true }

    /// Writes the checkpoint (rank 0); every rank must call it, since a task may gather its
    /// training state across ranks.
    public func checkpoint() throws {
        let (taskTensors, taskInfo) = session.trainingState()
        guard isLeader else { return }
        let snapshot = Checkpoint(
            weights: Dictionary(uniqueKeysWithValues: session.parameters.map { ($0.name, $0.variable.value) }),
            optimizerState: optimizer.state, taskTensors: taskTensors,
            position: TrainingPosition(step: step, rng: rng, taskInfo: taskInfo, seconds: seconds,
                                       evaluationSeconds: evaluationSeconds, items: items, metrics: metrics,
                                       schedule: scheduleState, monitor: monitorState))
        try AtomicFile.write(try snapshot.encoded(), to: run.checkpointURL)
        lastCheckpointStep = step
    }

    /// Trains until `total` steps are done, the time budget runs out, or Ctrl-C.
    public func train(until total: Int) throws -> TrainingSummary {
        if let group { try ModelFingerprint(config: config, session: session).check(across: group) }
        try config.schedule.checkComplete(plannedSteps: scheduledSteps)
        // Training on after early stopping (`recur resume --steps`) starts a fresh count.
        if monitorState.stoppedEarly {
            monitorState.stoppedEarly = false
            monitorState.evaluationsSinceBest = 0
        }
        let parameters = distinctParameters(session.parameters)
        let budget = config.minutes.map { $0 * 60 }
        let started = Date()
        let startSeconds = seconds, startStep = step
        var window: [Double] = []
        var windowItems = 0, windowStart = Date()
        var interrupted = false, stoppedEarly = false
        var lastLoss = Double.nan

        func elapsed() -> Double { startSeconds + Date().timeIntervalSince(started) }
        let shard = BatchShard(shard: group.map { Shard(rank: $0.rank, count: $0.size) } ?? .whole, batch: config.batch)

        while step < total {
            for (_, p) in parameters { p.zeroGrad() }
            let (loss, localItems) = try session.trainingLoss(step: step, shard: shard, rng: &rng)
            loss.backward()
            var value = Double(loss.value.scalar), stepItems = localItems
            var outOfTime = budget.map { elapsed() >= $0 } ?? false
            interrupted = Interrupt.isRequested
            if let group {
                (value, stepItems, outOfTime, interrupted) = reduce(group, parameters: parameters, loss: value, items: localItems,
                                                                    outOfTime: outOfTime, interrupted: interrupted)
            }
            guard value.isFinite else {
                throw NonFiniteLossError(step: step, what: "the loss (\(value))", lastCheckpointStep: lastCheckpointStep, checkpoint: run.checkpointURL)
            }
            let norm = config.clip > 0 ? clipGradientNorm(parameters, maxNorm: config.clip) : gradientNorm(parameters)
            guard norm.isFinite else {
                throw NonFiniteLossError(step: step, what: "the gradient norm", lastCheckpointStep: lastCheckpointStep, checkpoint: run.checkpointURL)
            }
            learningRate = rate(at: step)
            optimizer.learningRate = learningRate
            if config.weightDecay > 0 { decayWeights(parameters, by: learningRate * config.weightDecay) }
            optimizer.step(parameters)
            step += 1
            items += stepItems
            losses.append(value)
            lastLoss = value
            window.append(value)
            windowItems += stepItems

            let now = elapsed()
            let last = step == total || outOfTime || interrupted
            if isLeader && (step % config.logEvery == 0 || last) {
                let rate = Double(windowItems) / max(Date().timeIntervalSince(windowStart), 1e-9)
                let mean = window.reduce(0, +) / Double(window.count)
                try run.appendLog(["step": step, "loss": mean, "lr": Double(learningRate),
                                   "grad_norm": Double(norm), "\(session.itemName)_per_second": rate])
                // The nearer end: the steps left at the rate so far, or the time budget left.
                let perStep = (now - startSeconds) / Double(step - startStep)
                let bySteps = total == Int.max ? Double.infinity : perStep * Double(total - step)
                let remaining = min(bySteps, budget.map { max($0 - now, 0) } ?? .infinity)
                observer?.trained(StepReport(step: step, total: total == Int.max ? nil : total, loss: mean, itemsPerSecond: rate,
                                             itemName: session.itemName, secondsLeft: remaining.isFinite ? remaining : nil))
                window.removeAll()
                windowItems = 0
                windowStart = Date()
            }
            // Save before the final evaluation of an interrupted run, which can take long: a
            // second Ctrl-C during it ends the process at once and must lose nothing.
            if interrupted { try checkpoint() }
            if step % config.evalEvery == 0 || last {
                var problem: String?
                if isLeader {
                    let evaluationStart = Date()
                    problem = try evaluate(final: last)
                    evaluationSeconds += Date().timeIntervalSince(evaluationStart)
                    windowStart = Date()
                }
                if let group { problem = shareEvaluation(group, problem: problem) }
                if let problem {
                    seconds = elapsed()
                    try checkpoint()
                    throw RunError("\(problem); training stopped, the checkpoint of step \(step) is at \(run.checkpointURL.path)")
                }
                if let patience = config.earlyStop, monitorState.evaluationsSinceBest >= patience, !last {
                    stoppedEarly = true
                    monitorState.stoppedEarly = true
                }
            }
            seconds = elapsed()
            if step % config.checkpointEvery == 0 || last || stoppedEarly { try checkpoint() }
            if outOfTime || interrupted || stoppedEarly { break }
        }
        if stoppedEarly, let best = monitorState.best, let bestStep = monitorState.bestStep {
            observer?.stoppedEarly(step: step, monitor: monitor, best: best, bestStep: bestStep,
                                   evaluations: monitorState.evaluationsSinceBest)
        }
        if interrupted {
            observer?.interrupted(step: step, run: run)
        }
        return TrainingSummary(runDirectory: run.url, steps: step, trainLoss: lastLoss, seconds: seconds,
                               trainingSeconds: seconds - evaluationSeconds, items: items,
                               itemName: session.itemName, metrics: metrics, interrupted: interrupted,
                               stoppedEarly: stoppedEarly, monitor: monitorState.best == nil ? nil : monitor,
                               best: monitorState.best.flatMap { value in monitorState.bestStep.map { (value, $0) } })
    }

    /// Evaluates, logs, and updates the best value and the schedule; returns why training
    /// cannot go on (a monitored metric the task does not report), or `nil`.
    private func evaluate(final: Bool) throws -> String? {
        metrics = try GradMode.withNoGrad { try session.evaluate() }
        if let (name, value) = metrics.first(where: { !$0.value.isFinite }) {
            throw NonFiniteLossError(step: step - 1, what: "the validation \(name) (\(value))",
                                     lastCheckpointStep: lastCheckpointStep, checkpoint: run.checkpointURL)
        }
        var entry: [String: Any] = ["step": step]
        for (k, v) in metrics { entry[k] = v }
        try run.appendLog(entry)
        // Files follow every evaluation so they always match the last logged metrics; the
        // (long) printed report only once, at the end.
        let report = (session as? any EvaluationReporting)?.evaluationReport()
        for (name, bytes) in report?.files ?? [:] { try AtomicFile.write(Data(bytes), to: run.url.appendingPathComponent(name)) }
        observer?.evaluated(step: step, metrics: metrics, report: final ? report?.text : nil)
        guard let value = metrics[monitor.metric] else {
            let source = config.monitor == nil ? "task '\(config.task)' monitors" : "--monitor names"
            return "\(source) \(monitor.metric), which the task does not report (it reports \(metrics.keys.sorted().joined(separator: ", ")))"
        }
        let improved = monitor.improves(value, on: monitorState.best)
        if improved {
            monitorState.best = value
            monitorState.bestStep = step
            monitorState.evaluationsSinceBest = 0
            if config.keepBest {
                let best = BestCheckpoint(weights: Dictionary(uniqueKeysWithValues: session.parameters.map { ($0.name, $0.variable.value) }),
                                          step: step, monitor: monitor, metrics: metrics)
                try AtomicFile.write(try best.encoded(), to: run.bestURL)
            }
        } else {
            monitorState.evaluationsSinceBest += 1
        }
        if config.schedule.evaluated(improved: improved, state: &scheduleState) {
            observer?.reducedLearningRate(step: step, to: rate(at: step))
        }
        return nil
    }

    /// Gives every rank rank 0's verdict on an evaluation (only rank 0 evaluates): the
    /// schedule's factor, the count for early stopping, and whether training must stop.
    private func shareEvaluation(_ group: any ProcessGroup, problem: String?) -> String? {
        let mine = group.isLeader ? [scheduleState.factor, Double(monitorState.evaluationsSinceBest), problem == nil ? 0 : 1] : [0, 0, 0]
        let shared = group.allReduceSum(mine)
        scheduleState.factor = shared[0]
        monitorState.evaluationsSinceBest = Int(shared[1])
        return shared[2] > 0 ? (problem ?? "rank 0 stopped training after an evaluation") : nil
    }
}
