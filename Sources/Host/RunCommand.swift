import ArgumentParser
import Foundation
import RecurKit

struct RunCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "run", abstract: "Train a task by name.",
            discussion: "Tasks: " + Registries.tasks.names.joined(separator: ", ")
                + ". Each has options of its own and its own defaults for the common ones: `recur run TASK --help`.")
    }

    @Argument(help: "Task name (see `recur list tasks`).", completion: .custom { _ in Registries.tasks.names }) var task: String
    @OptionGroup var options: RunOptions
    @OptionGroup var tensorboard: TensorBoardOption
    @Option(name: .customLong("run-dir"), help: "Run directory (default workspace/runs/<task>-<cell>-<date>).") var runDir: String?
    @Flag(help: "Replace a run already in --run-dir.") var overwrite = false
    @Option(name: .customLong("init-from"), help: "Start from the weights of a run, a bundle or a safetensors state dict (a new optimizer; unlike `recur resume`).") var initFrom: String?
    @Flag(help: "Print the summary as one JSON object (progress goes to stderr).") var json = false
    @Flag(help: "Join a data-parallel MPI job (`mpirun -np N recur run … --distributed`); --batch stays the global batch.")
    var distributed = false
    @Argument(parsing: .allUnrecognized, help: .hidden, completion: .custom(taskOptionCompletions)) var taskArguments: [String] = []

    /// Task options are checked here, so a misspelt or mistyped one is a usage error (exit 64)
    /// like any other, with "did you mean".
    mutating func validate() throws {
        guard let descriptor = try? Registries.tasks.lookup(task) else { return }
        for flag in options.givenFlags where descriptor.unusedCommonOptions[flag] != nil {
            throw ValidationError("task '\(task)' does not use --\(flag): \(descriptor.unusedCommonOptions[flag]!)")
        }
        do { _ = try descriptor.options.resolve(stored: descriptor.options.defaults, text: try parseTaskArguments()) } catch {
            throw ValidationError(flagWording(error))
        }
    }

    func run() throws {
        try withProcessGroup(distributed) { group in
            let descriptor = try Registries.tasks.lookup(task)
            let config = try options.resolve(task: descriptor, taskOptions: try parseTaskArguments())
            let context = TaskContext(cells: Registries.cells, group: group)
            BLAS.threads = config.threads
            let session = try descriptor.makeSession(config, context)
            if let initFrom { try loadInitialWeights(from: initFrom, into: session.parameters, task: config.task) }
            var directory = RunDirectory(URL(fileURLWithPath: try runDir ?? claimNewDirectory(defaultRunDirectory(config))))
            try tensorboard.attach(to: &directory, isLeader: group?.isLeader ?? true)
            var lock: RunDirectoryLock?
            if group?.isLeader ?? true {
                // The lock comes before `create`, which with --overwrite deletes a run's files.
                try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
                lock = try directory.lock()
                RunDirectory.removeStaleTemporaries(in: directory.url)
                try directory.create(overwrite: overwrite)
                try directory.writeConfig(config)
                try directory.writeArtifacts(try session.artifacts())
            }
            let progress = ProgressPrinter(handle: json ? .standardError : .standardOutput, quiet: !(group?.isLeader ?? true))
            let parameterCount = distinctParameters(session.parameters).reduce(0) { $0 + $1.variable.value.count }
            progress.note("\(config.task) with \(config.stack.layers)×\(config.stack.cell) \(config.stack.hiddenSize)\(config.stack.bidirectional ? " bidirectional" : ""), \(parameterCount) parameters, \(try pathDescription(config)), \(BLAS.kernelName) kernels → \(directory.url.path)")
            let trainer = Trainer(config: config, session: session, run: directory, observer: progress, group: group)
            if let group { progress.note("data-parallel over \(group.size) ranks, \(config.batch / group.size) rows each") }
            try withExtendedLifetime(lock) { try train(trainer, until: trainer.plannedSteps, json: json, progress: progress) }
            group?.finish()
        }
    }

    /// `--name value` / `--name=value` pairs the task declares.
    func parseTaskArguments() throws -> [String: String] { try keyValueArguments(taskArguments, command: "run \(task)") }

    func defaultRunDirectory(_ config: RunConfig) -> String {
        "\(workspaceDirectory())/runs/\(config.task)-\(config.stack.cell)-\(timestamp())"
    }
}

/// Which path the cells will take: "fused" only when the cell has a fused kernel.
func pathDescription(_ config: RunConfig) throws -> String {
    guard config.stack.path == .fused else { return "generic path" }
    return try Registries.cells.lookup(config.stack.cell).hasFusedKernel ? "fused path" : "generic path (the cell has no fused kernel)"
}

/// Shell completion after `recur run TASK`: that task's own options.
@Sendable func taskOptionCompletions(_ words: [String]) -> [String] {
    guard let task = words.first(where: { Registries.tasks.names.contains($0) }),
          let descriptor = try? Registries.tasks.lookup(task) else { return [] }
    return descriptor.options.names.map { "--\($0)" }
}

/// `workspace`, or `$RECUR_WORKSPACE`.
func workspaceDirectory() -> String { ProcessInfo.processInfo.environment["RECUR_WORKSPACE"] ?? "workspace" }

/// `base`, else `base-2`, `base-3`, …: the first one this process creates itself (mkdir is
/// atomic), so runs started in the same second never share a directory.
func claimNewDirectory(_ base: String) throws -> String {
    let url = URL(fileURLWithPath: base)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    for n in 1...10_000 {
        let path = n == 1 ? url.path : "\(url.path)-\(n)"
        if mkdir(path, 0o755) == 0 { return path }
        guard errno == EEXIST else { throw UserError("\(RegularFile.describe(errno)) creating \(path)") }
    }
    throw UserError("\(base): no free run directory name")
}

/// `20261128-013000`, for directory names.
func timestamp() -> String {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    return formatter.string(from: Date())
}

/// Trains, prints the summary, and maps an interruption to exit status 130.
func train(_ trainer: Trainer, until total: Int, json: Bool, progress: ProgressPrinter) throws {
    Interrupt.install()
    let summary = try trainer.train(until: total)
    if trainer.group.map({ !$0.isLeader }) == true { return }
    if json {
        var object = summary.json
        object["val_loss"] = summary.metrics["val_loss"]
        try printJSON(object)
    } else {
        let metrics = MetricText.line(summary.metrics, separator: ", ")
        let ending = summary.interrupted ? "stopped after" : summary.stoppedEarly ? "stopped early after" : "done:"
        progress.note(String(format: "%@ %d steps in %@, %.0f %@/s; train loss %.4f; %@", ending,
                                     summary.steps, formatDuration(summary.seconds), summary.itemsPerSecond, summary.itemName,
                                     summary.trainLoss, metrics))
        if let monitor = summary.monitor, let best = summary.best {
            let kept = trainer.config.keepBest ? "; weights in \(summary.runDirectory.appendingPathComponent(BestCheckpoint.fileName).path) (use --best)" : ""
            progress.note("best \(monitor.metric) \(MetricText.value(monitor.metric, best.value)) at step \(best.step)\(kept)")
        }
        progress.note("run: \(summary.runDirectory.path)")
    }
    if summary.interrupted { throw ExitCode(Interrupt.exitStatus) }
}
