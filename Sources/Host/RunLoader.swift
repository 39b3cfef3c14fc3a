import Foundation
import RecurBundle
import RecurKit

/// A saved run brought back from a run directory or straight from a `.recur` bundle: its
/// config, and its task session with the checkpoint's weights loaded.
struct LoadedRun {
    let config: RunConfig
    let session: any TaskSession
    let checkpoint: Checkpoint
    /// Where the run lives; `nil` when it came from a bundle.
    let directory: RunDirectory?
    let bundle: RunBundle?
    let source: String
    /// The data file a bundle's config names (or an imported run's, until `resume --data`). It
    /// says where the bundle was trained, on a machine that may not be this one, by a sender who
    /// may not be trusted: it is never opened.
    let recordedData: String?
    /// The best checkpoint whose weights were loaded (`--best`), or `nil` for the latest.
    let best: BestCheckpoint?

    /// `path` is a run directory, its `checkpoint.safetensors`, or a bundle file. A bundle's
    /// session reads data only from `data` (the command's `--data`), never from the paths its
    /// config records (`data`, a task's `valid`).
    ///
    /// `best` loads the run's `best.safetensors` (``BestCheckpoint``) instead of the latest weights.
    init(path: String, data: String? = nil, group: (any ProcessGroup)? = nil, best: Bool = false) throws {
        var url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw UserError("\(path): no such run directory or bundle")
        }
        source = url.path
        let artifacts: [String: Data]
        if !isDirectory.boolValue && url.pathExtension != "safetensors" {
            let bundle = try RunBundle(contentsOf: url)
            try bundle.checkPlugins(cells: Registries.cells, tasks: Registries.tasks, source: url.path)
            self.bundle = bundle
            directory = nil
            var config = bundle.manifest.config
            recordedData = config.data
            config.data = data.map { URL(fileURLWithPath: $0).path }
            config.taskOptions = try Self.withoutPaths(config)
            self.config = config
            checkpoint = bundle.checkpoint
            artifacts = bundle.artifacts
            if best {
                throw UserError("\(path): --best picks a run directory's best.safetensors; a bundle holds one set of weights (`recur export RUN --best` packs the best ones)")
            }
            self.best = nil
        } else {
            if !isDirectory.boolValue { url.deleteLastPathComponent() }
            let run = RunDirectory(url)
            directory = run
            bundle = nil
            var config = try run.readConfig()
            if FileManager.default.fileExists(atPath: run.url.appendingPathComponent(RunBundle.importedMarker).path) {
                recordedData = config.data
                config.data = data.map { URL(fileURLWithPath: $0).path }
                config.taskOptions = try Self.withoutPaths(config)
            } else {
                recordedData = nil
            }
            self.config = config
            artifacts = try run.readArtifacts()
            guard FileManager.default.fileExists(atPath: run.checkpointURL.path) else {
                throw UserError("\(url.path) has no checkpoint yet (checkpoint.safetensors); train it first")
            }
            checkpoint = WeightNameMigrations.upgrade(
                try Checkpoint.decode(try RegularFile.read(run.checkpointURL), source: run.checkpointURL.path), task: config.task)
            self.best = best ? try run.readBest() : nil
        }
        let descriptor = try Registries.tasks.lookup(config.task)
        // The file whose field is wrong: a run's config.json, or the bundle.
        let configFile = directory?.configURL.path ?? source
        do {
            session = try descriptor.makeSession(config, TaskContext(cells: Registries.cells, artifacts: artifacts, group: group))
        } catch let error as ConfigValueError {
            throw UserError(configWording(error, source: configFile, section: "taskOptions"))
        } catch let error as UnknownOptionError {
            throw UserError(configWording(error, source: configFile, section: "taskOptions"))
        }
        do {
            // A best.safetensors is a checkpoint too: written before a rename, it keeps the old names.
            try load(WeightNameMigrations.upgrade(weights: self.best?.weights ?? checkpoint.weights, task: config.task), into: session.parameters)
        } catch {
            throw UserError("\(self.best == nil ? source : directory!.bestURL.path): \(error)")
        }
        if bundle != nil {
            // `resume BUNDLE` unpacks before it restores; state that cannot be restored must be
            // refused before anything is written.
            let optimizer = config.optimizer.make(learningRate: config.learningRate, momentum: config.momentum)
            do { try optimizer.load(state: checkpoint.optimizerState, parameters: session.parameters) } catch {
                throw UserError("\(source): optimizer.safetensors: \(error)")
            }
        }
    }
}

extension LoadedRun {
    /// The task options with every file they name cleared (``PluginOptions/pathFields``).
    static func withoutPaths(_ config: RunConfig) throws -> [String: JSONValue] {
        var options = config.taskOptions
        for field in try Registries.tasks.lookup(config.task).options.pathFields where options[field] != nil {
            options[field] = .string("")
        }
        return options
    }

    /// Stops a command that needs the training data of a bundle whose data is only a record.
    func requireData(to purpose: String) throws {
        guard let recordedData, config.data == nil else { return }
        throw UserError("\(source): a bundle's data path (\(recordedData)) records where it was trained and is never opened; pass --data FILE to \(purpose)")
    }
}
