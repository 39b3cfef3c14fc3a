import Foundation

/// `best.safetensors`: the weights of the evaluation with the best monitored metric
/// (`--keep-best`), with that evaluation's step and metrics as metadata. Weights only: it is
/// for evaluating, sampling and exporting, not for resuming.
public struct BestCheckpoint {
    public static let fileName = "best.safetensors"
    static let formatVersion = "1"

    public var weights: [String: Tensor]
    public var step: Int
    /// The monitored metric, as `Monitor.description` would name it.
    public var monitor: Monitor
    /// Every metric of that evaluation.
    public var metrics: [String: Double]

    public init(weights: [String: Tensor], step: Int, monitor: Monitor, metrics: [String: Double]) {
        self.weights = weights
        self.step = step
        self.monitor = monitor
        self.metrics = metrics
    }

    struct Record: Codable {
        var step: Int
        var monitor: Monitor
        var metrics: [String: Double]
    }

    public func encoded() throws -> Data {
        // Sorted keys: the same weights and metrics make the same bytes, in any process.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let record = String(decoding: try encoder.encode(Record(step: step, monitor: monitor, metrics: metrics)), as: UTF8.self)
        return try SafeTensors.encode(weights, metadata: ["format": "pt", "recur.best.format": Self.formatVersion, "recur.best": record])
    }

    /// Reads and checks a best checkpoint; `source` names the file in errors.
    public static func decode(_ data: Data, source: String) throws -> BestCheckpoint {
        let (weights, metadata) = try SafeTensors.decode(data, source: source)
        guard metadata["recur.best.format"] == formatVersion, let json = metadata["recur.best"],
              let record = try? JSONDecoder().decode(Record.self, from: Data(json.utf8)) else {
            throw RunError("\(source): not a Recur best checkpoint (no readable recur.best metadata)")
        }
        guard (0...TrainingPosition.maximumStep).contains(record.step) else {
            throw RunError("\(source): best step \(record.step) is not from 0 to \(TrainingPosition.maximumStep)")
        }
        if let (name, value) = record.metrics.first(where: { !$0.value.isFinite }) {
            throw RunError("\(source): best metric \(name) is \(value); metrics must be finite")
        }
        return BestCheckpoint(weights: weights, step: record.step, monitor: record.monitor, metrics: record.metrics)
    }
}

extension RunDirectory {
    /// Where `--keep-best` keeps the best weights.
    public var bestURL: URL { url.appendingPathComponent(BestCheckpoint.fileName) }

    /// The run's best checkpoint, with a clear error when the run kept none.
    public func readBest() throws -> BestCheckpoint {
        guard RegularFile.kind(of: bestURL.path) != .missing else {
            throw RunError("\(url.path) has no \(BestCheckpoint.fileName): it was trained without --keep-best (or has not evaluated yet)")
        }
        return try BestCheckpoint.decode(try RegularFile.read(bestURL), source: bestURL.path)
    }
}
