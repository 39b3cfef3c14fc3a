import ArgumentParser
import Foundation
import RecurKit

/// `recur import-weights FILE.safetensors --task TASK …`: a PyTorch state dict becomes a run
/// directory at step 0 that `eval`, `sample`, `predict` and `resume` use like any other.
struct ImportWeightsCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "import-weights",
            abstract: "Make a run from a PyTorch state dict saved with safetensors.torch.save_file.",
            discussion: """
            Layers, hidden size, cell (from the gate count: rnn, gru, lstm), bidirectionality and the embedding \
            width are read off the names and shapes; flags given here must agree with them. Everything that does \
            not fit the task's model is listed: missing keys, unexpected keys, shape conflicts. A torch.save \
            (.pt, pickle) file is refused with the Python line that converts it. The vocabulary comes from \
            --vocab (a run's vocab.json), else from the training data as `recur run` would build it.
            """)
    }

    @Argument(help: ArgumentHelp("A safetensors state dict.", valueName: "file")) var file: String
    @Option(help: "Task whose model the weights are for (see `recur list tasks`).", completion: .custom { _, _, _ in Registries.tasks.names })
    var task: String
    @Option(help: "The vocabulary the weights were trained with: a run's vocab.json.") var vocab: String?
    @Option(help: "Another file the task keeps beside its vocabulary (labels.json, tags.json, …), under its own name (repeatable).")
    var artifact: [String] = []
    @OptionGroup var options: RunOptions
    @Option(name: .customLong("run-dir"), help: "Run directory to create (default workspace/runs/<task>-<cell>-imported-<date>).") var runDir: String?
    @Flag(help: "Replace a run already in --run-dir.") var overwrite = false
    @Flag(help: "Print one JSON object: the run directory, task, cell, sizes and parameter count.") var json = false
    @Argument(parsing: .allUnrecognized, help: .hidden, completion: .custom(taskOptionCompletions)) var taskArguments: [String] = []

    func run() throws {
        try reportingErrors {
            let descriptor = try Registries.tasks.lookup(task)
            let source = URL(fileURLWithPath: file)
            // A state dict made from an older bundle may carry names renamed since.
            let tensors = WeightNameMigrations.upgrade(weights: try StateDictFile.read(source), task: descriptor.name)
            let declared = Set(descriptor.options.fields.map(\.name))
            let inferred = try InferredSizes(tensors, layout: .of(task: descriptor.name), declaredOptions: declared)
            var given = try keyValueArguments(taskArguments, command: "import-weights")
            let (merged, conflicts) = try flagsWithInferred(inferred, taskOptions: &given)
            guard conflicts.isEmpty else {
                throw UserError("\(source.path) disagrees with the flags given: " + conflicts.joined(separator: "; "))
            }
            let config = try merged.resolve(task: descriptor, taskOptions: given)
            BLAS.threads = config.threads
            let artifacts = try readArtifacts()
            let session = try descriptor.makeSession(config, TaskContext(cells: Registries.cells, artifacts: artifacts))
            do { try StateDictMatch.assign(tensors, to: session.parameters, source: source.path) } catch let error as StateDictMismatch {
                let sizes = inferred.summary.isEmpty ? "" : " (sizes read as \(inferred.summary))"
                throw UserError("\(source.path) does not fit \(descriptor.name)'s model\(sizes):\n  " + error.match.problems.joined(separator: "\n  "))
            }

            let directory = RunDirectory(URL(fileURLWithPath: try runDir ?? claimNewDirectory(
                "\(workspaceDirectory())/runs/\(config.task)-\(config.stack.cell)-imported-\(timestamp())")))
            try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
            let lock = try directory.lock()
            try withExtendedLifetime(lock) {
                RunDirectory.removeStaleTemporaries(in: directory.url)
                try directory.create(overwrite: overwrite)
                try directory.writeConfig(config)
                try directory.writeArtifacts(try session.artifacts())
                // A step-0 checkpoint with a fresh optimizer: `resume` then trains on from these weights.
                try Trainer(config: config, session: session, run: directory).checkpoint()
            }
            let count = session.parameters.reduce(0) { $0 + $1.variable.value.count }
            if json {
                try printJSON(["run_dir": directory.url.path, "task": config.task, "cell": config.stack.cell,
                               "layers": config.stack.layers, "hidden": config.stack.hiddenSize,
                               "bidirectional": config.stack.bidirectional, "parameters": count, "source": source.path])
            } else {
                print("imported \(source.lastPathComponent) as \(config.task) with \(config.stack.layers)×\(config.stack.cell) \(config.stack.hiddenSize)\(config.stack.bidirectional ? " bidirectional" : ""), \(count) parameters → \(directory.url.path)")
            }
        }
    }

    /// The common flags with the file's sizes filled in where none was given, and each given
    /// flag that contradicts the file; task options read off the file join `taskOptions` likewise.
    func flagsWithInferred(_ inferred: InferredSizes, taskOptions: inout [String: String]) throws -> (RunOptions, [String]) {
        var merged = options
        var conflicts: [String] = []
        func fill<Value: Equatable & CustomStringConvertible>(_ flag: WritableKeyPath<RunOptions, Value?>, _ name: String, _ value: Value?) {
            guard let value else { return }
            if let given = merged[keyPath: flag] {
                if given != value { conflicts.append("--\(name) \(given), but the file's weights are for \(value)") }
            } else {
                merged[keyPath: flag] = value
            }
        }
        if let stack = inferred.stack {
            // A plugin cell may share a built-in's gate count: a --cell given is taken as said.
            if merged.cell == nil { merged.cell = stack.cell }
            fill(\.layers, "layers", stack.layers)
            fill(\.hidden, "hidden", stack.hiddenSize)
            if merged.bidirectional == nil { merged.bidirectional = stack.bidirectional }
            else if merged.bidirectional != stack.bidirectional {
                conflicts.append("--\(stack.bidirectional ? "no-" : "")bidirectional, but the file's stack is \(stack.bidirectional ? "" : "not ")bidirectional")
            }
            if stack.cell == nil && options.cell == nil {
                conflicts.append("its stack has \(stack.gates) gates per hidden unit, which no built-in cell has (rnn 1, gru 3, lstm 4); pass --cell NAME for a plugin cell")
            }
        }
        for (name, value) in inferred.taskOptions {
            if let given = taskOptions[name] {
                if given != value { conflicts.append("--\(name) \(given), but the file's weights are for \(value)") }
            } else {
                taskOptions[name] = value
            }
        }
        return (merged, conflicts)
    }

    /// `--vocab` as `vocab.json` and each `--artifact` under its file name; `nil` when neither is given.
    func readArtifacts() throws -> [String: Data]? {
        guard vocab != nil || !artifact.isEmpty else { return nil }
        var files: [String: Data] = [:]
        if let vocab { files["vocab.json"] = try RegularFile.read(URL(fileURLWithPath: vocab), limit: 256 << 20, followingLinks: true) }
        for path in artifact {
            let url = URL(fileURLWithPath: path)
            guard files[url.lastPathComponent] == nil else { throw UserError("--artifact \(path): a file named \(url.lastPathComponent) is given twice") }
            files[url.lastPathComponent] = try RegularFile.read(url, limit: 256 << 20, followingLinks: true)
        }
        return files
    }
}
