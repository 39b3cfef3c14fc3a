import Foundation

/// Checks of values that come back from disk — a run's `config.json` and checkpoint, a bundle's
/// manifest and `trainer.json` — which may have been edited by hand or written by a stranger.
/// Each failure is one line naming the file, the field and the value, before anything is
/// allocated from them (an absurd width would otherwise trap or exhaust memory far from here).
extension RunConfig {
    /// Refuses values no run can have been trained with. `source` names the file.
    public func checkStored(source: String) throws {
        func fail(_ field: String, _ value: Any, _ rule: String) -> RunError {
            RunError("\(source): config field '\(field)' is \(value); \(rule)")
        }
        let counts: [(String, Int?)] = [
            ("stack.layers", stack.layers), ("stack.hiddenSize", stack.hiddenSize), ("batch", batch), ("seqLen", seqLen),
            ("threads", threads), ("evalEvery", evalEvery), ("checkpointEvery", checkpointEvery), ("logEvery", logEvery),
            ("steps", steps), ("epochs", epochs),
        ]
        for (field, value) in counts { if let value, value < 1 { throw fail(field, value, "it must be at least 1") } }
        guard stack.dropout >= 0 && stack.dropout < 1 else { throw fail("stack.dropout", stack.dropout, "it must be in [0, 1)") }
        guard learningRate > 0 && learningRate.isFinite else { throw fail("learningRate", learningRate, "it must be positive and finite") }
        guard clip >= 0 && clip.isFinite else { throw fail("clip", clip, "it must be 0 (off) or positive") }
        guard momentum >= 0 && momentum < 1 else { throw fail("momentum", momentum, "it must be in [0, 1)") }
        if let minutes, !(minutes > 0 && minutes.isFinite) { throw fail("minutes", minutes, "it must be positive") }
        for rule in regimeRules where !rule.holds { throw fail(rule.field, rule.value, rule.rule) }
        try checkFitsInMemory(source: source)
    }

    /// The schedule, regulariser and early-stopping values with their config field, flag and
    /// rule: one list, checked alike on a command line and in a stored config.
    public var regimeRules: [(field: String, flag: String, value: Any, holds: Bool, rule: String)] {
        let counts = 0...TrainingPosition.maximumStep
        return [
            ("weightDecay", "weight-decay", weightDecay, weightDecay >= 0 && weightDecay.isFinite, "it must be 0 (off) or positive"),
            ("labelSmoothing", "label-smoothing", labelSmoothing, labelSmoothing >= 0 && labelSmoothing < 1, "it must be in [0, 1)"),
            ("embeddingDropout", "embedding-dropout", embeddingDropout, embeddingDropout >= 0 && embeddingDropout < 1, "it must be in [0, 1)"),
            ("earlyStop", "early-stop", earlyStop ?? 1, (earlyStop ?? 1) >= 1 && counts.contains(earlyStop ?? 1), "it must be at least 1"),
            ("schedule.warmup", "warmup", schedule.warmup, counts.contains(schedule.warmup), "it must be 0 or more"),
            ("schedule.stepSize", "lr-step", schedule.stepSize ?? 1, (schedule.stepSize ?? 1) >= 1 && counts.contains(schedule.stepSize ?? 1), "it must be at least 1"),
            ("schedule.gamma", "lr-gamma", schedule.gamma, schedule.gamma > 0 && schedule.gamma <= 1, "it must be in (0, 1]"),
            ("schedule.patience", "patience", schedule.patience, counts.contains(schedule.patience), "it must be 0 or more"),
            ("monitor.metric", "monitor", monitor?.metric ?? "val_loss", monitor.map { !$0.metric.isEmpty && $0.metric.count <= 200 } ?? true,
             "it must name a metric"),
        ]
    }

    /// The fewest bytes the model's recurrent weights and one batch of its activations take:
    /// layers · directions · (H² + B · T · H) floats, plus H · E for the first layer's input
    /// weights when the task has an `embedding` option (E). `nil` when that overflows `Int`.
    public var minimumBytes: Int? {
        guard let stack = minimumStackBytes else { return nil }
        guard case .int(let embedding)? = taskOptions["embedding"], embedding > 0 else { return stack }
        let weights = embedding.multipliedReportingOverflow(by: self.stack.hiddenSize)
        guard !weights.overflow else { return nil }
        let bytes = weights.partialValue.multipliedReportingOverflow(by: 4)
        guard !bytes.overflow else { return nil }
        let total = stack.addingReportingOverflow(bytes.partialValue)
        return total.overflow ? nil : total.partialValue
    }

    private var minimumStackBytes: Int? {
        let h = stack.hiddenSize, units = stack.layers.multipliedReportingOverflow(by: stack.directions)
        let square = h.multipliedReportingOverflow(by: h)
        let rows = batch.multipliedReportingOverflow(by: seqLen)
        guard !units.overflow, !square.overflow, !rows.overflow else { return nil }
        let activations = rows.partialValue.multipliedReportingOverflow(by: h)
        guard !activations.overflow else { return nil }
        let perUnit = square.partialValue.addingReportingOverflow(activations.partialValue)
        guard !perUnit.overflow else { return nil }
        let floats = units.partialValue.multipliedReportingOverflow(by: perUnit.partialValue)
        guard !floats.overflow else { return nil }
        let bytes = floats.partialValue.multipliedReportingOverflow(by: 4)
        return bytes.overflow ? nil : bytes.partialValue
    }

    /// Refuses, with the figure, a model that cannot fit in this machine's memory.
    public func checkFitsInMemory(source: String) throws {
        let memory = ProcessInfo.processInfo.physicalMemory
        let embedding = taskOptions["embedding"].map { ", embedding \($0)" } ?? ""
        let shape = "\(stack.layers) layer(s) of \(stack.hiddenSize) hidden units\(embedding), batch \(batch) × \(seqLen) steps"
        guard let bytes = minimumBytes else {
            throw RunError("\(source): \(shape) needs more bytes than a 64-bit count can hold; this machine has \(memory)")
        }
        guard UInt64(bytes) <= memory else {
            throw RunError("\(source): \(shape) needs at least \(bytes) bytes (\(bytes >> 20) MiB), more than this machine's \(memory >> 20) MiB")
        }
    }
}

extension TrainingPosition {
    /// Largest step count accepted: far beyond any real run, small enough that `step + 1` and
    /// counts derived from it cannot overflow.
    public static let maximumStep = 1 << 52

    /// Refuses a position no run can have reached. `source` names the file.
    public func checkStored(source: String) throws {
        func fail(_ field: String, _ value: Any, _ rule: String) -> RunError {
            RunError("\(source): training position field '\(field)' is \(value); \(rule)")
        }
        guard step >= 0 && step <= Self.maximumStep else { throw fail("step", step, "it must be from 0 to \(Self.maximumStep)") }
        guard items >= 0 && items <= Self.maximumStep else { throw fail("items", items, "it must be from 0 to \(Self.maximumStep)") }
        guard seconds >= 0 && seconds.isFinite else { throw fail("seconds", seconds, "it must be finite and not negative") }
        guard evaluationSeconds >= 0 && evaluationSeconds.isFinite else {
            throw fail("evaluationSeconds", evaluationSeconds, "it must be finite and not negative")
        }
        for (name, value) in metrics where !value.isFinite { throw fail("metrics.\(name)", value, "metrics must be finite") }
        if let schedule {
            guard schedule.factor > 0 && schedule.factor <= 1 else { throw fail("schedule.factor", schedule.factor, "it must be in (0, 1]") }
            guard (0...Self.maximumStep).contains(schedule.badEvaluations) else {
                throw fail("schedule.badEvaluations", schedule.badEvaluations, "it must be from 0 to \(Self.maximumStep)")
            }
        }
        if let monitor {
            if let best = monitor.best, !best.isFinite { throw fail("monitor.best", best, "it must be finite") }
            if let bestStep = monitor.bestStep, !(0...step).contains(bestStep) { throw fail("monitor.bestStep", bestStep, "it must be from 0 to the step (\(step))") }
            guard (0...Self.maximumStep).contains(monitor.evaluationsSinceBest) else {
                throw fail("monitor.evaluationsSinceBest", monitor.evaluationsSinceBest, "it must be from 0 to \(Self.maximumStep)")
            }
        }
    }
}

/// The first element of `items` that occurs again later, or `nil`: a vocabulary or label list
/// read from a file must name each entry once, since ids are looked up by name.
public func firstDuplicate<T: Hashable>(_ items: [T]) -> T? {
    var seen = Set<T>()
    return items.first { !seen.insert($0).inserted }
}
