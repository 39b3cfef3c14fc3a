import Foundation

/// A training snapshot in one safetensors file: weights under their own names, optimizer state
/// under `optimizer.`, task state (carried hidden state) under `task.`, and the trainer's
/// position as JSON metadata. One file, so replacing it atomically replaces all of it at once.
public struct Checkpoint {
    public static let formatVersion = "1"

    public var weights: [String: Tensor]
    public var optimizerState: [String: Tensor]
    public var taskTensors: [String: Tensor]
    public var position: TrainingPosition

    public init(weights: [String: Tensor], optimizerState: [String: Tensor], taskTensors: [String: Tensor],
                position: TrainingPosition) {
        self.weights = weights
        self.optimizerState = optimizerState
        self.taskTensors = taskTensors
        self.position = position
    }

    public func encoded() throws -> Data {
        var all = weights
        for (k, v) in optimizerState { all["optimizer.\(k)"] = v }
        for (k, v) in taskTensors { all["task.\(k)"] = v }
        let position = String(decoding: try JSONEncoder().encode(self.position), as: UTF8.self)
        return try SafeTensors.encode(all, metadata: ["recur.format": Checkpoint.formatVersion, "recur.position": position])
    }

    public static func decode(_ data: Data, source: String) throws -> Checkpoint {
        let (all, metadata) = try SafeTensors.decode(data, source: source)
        guard let format = metadata["recur.format"] else { throw RunError("\(source): not a Recur checkpoint (no recur.format)") }
        guard format == formatVersion else { throw RunError("\(source): checkpoint format \(format); this Recur reads \(formatVersion)") }
        guard let json = metadata["recur.position"],
              let position = try? JSONDecoder().decode(TrainingPosition.self, from: Data(json.utf8)) else {
            throw RunError("\(source): checkpoint has no readable training position")
        }
        try position.checkStored(source: source)
        var weights: [String: Tensor] = [:], optimizer: [String: Tensor] = [:], task: [String: Tensor] = [:]
        for (k, v) in all {
            if k.hasPrefix("optimizer.") { optimizer[String(k.dropFirst("optimizer.".count))] = v }
            else if k.hasPrefix("task.") { task[String(k.dropFirst("task.".count))] = v }
            else { weights[k] = v }
        }
        return Checkpoint(weights: weights, optimizerState: optimizer, taskTensors: task, position: position)
    }
}

/// Where training stands: enough to continue exactly as if never stopped.
public struct TrainingPosition: Codable, Sendable {
    public var step: Int
    public var rng: RandomGenerator
    public var taskInfo: [String: String]
    public var seconds: Double
    public var evaluationSeconds: Double
    public var items: Int
    public var metrics: [String: Double]
    /// The metric-driven schedule's factor (`nil` in checkpoints written before schedules).
    public var schedule: LearningRateSchedule.State?
    /// The best monitored value so far (`nil` in checkpoints written before monitoring).
    public var monitor: MonitorState?

    public init(step: Int, rng: RandomGenerator, taskInfo: [String: String], seconds: Double, evaluationSeconds: Double,
                items: Int, metrics: [String: Double], schedule: LearningRateSchedule.State? = nil, monitor: MonitorState? = nil) {
        self.step = step
        self.rng = rng
        self.taskInfo = taskInfo
        self.seconds = seconds
        self.evaluationSeconds = evaluationSeconds
        self.items = items
        self.metrics = metrics
        self.schedule = schedule
        self.monitor = monitor
    }
}
