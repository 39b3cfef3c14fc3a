import Foundation

/// One logged training step, as the trainer reports it.
public struct StepReport: Sendable, Equatable {
    public var step: Int
    /// Steps planned, or `nil` for a run bounded by time only.
    public var total: Int?
    /// Mean loss since the previous report.
    public var loss: Double
    public var itemsPerSecond: Double
    /// What the items are ("chars", "tokens").
    public var itemName: String
    /// Estimated time to the end, when it can be estimated.
    public var secondsLeft: Double?
}

/// Hears what the trainer does, to show it. The library never prints: the command line shows
/// these events (rewriting a terminal line), a test may collect them, an embedder may log them.
public protocol TrainingObserver: AnyObject {
    func trained(_ report: StepReport)
    /// `report` is the task's printed evaluation report, given with the final evaluation only.
    func evaluated(step: Int, metrics: [String: Double], report: String?)
    /// Training stopped on Ctrl-C after writing a checkpoint of `step`.
    func interrupted(step: Int, run: RunDirectory)
    /// `--early-stop`: `evaluations` in a row did not improve on `best` (at `bestStep`).
    func stoppedEarly(step: Int, monitor: Monitor, best: Double, bestStep: Int, evaluations: Int)
    /// A metric-driven schedule (`plateau`, `wlm`) lowered the learning rate to `rate`.
    func reducedLearningRate(step: Int, to rate: Float)
}

extension TrainingObserver {
    public func stoppedEarly(step: Int, monitor: Monitor, best: Double, bestStep: Int, evaluations: Int) {}
    public func reducedLearningRate(step: Int, to rate: Float) {}
}
