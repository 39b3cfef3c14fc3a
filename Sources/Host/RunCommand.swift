import ArgumentParser
import Foundation
import RecurKit
import RecurMPI

struct RunCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "run", abstract: "Train a task by name.",
            discussion: "Tasks and their own options:\n" + Registries.tasks.all.map { task in
                "  \(task.name): \(task.summary)\n" + task.options.map { "      --\($0.name) (default \($0.defaultValue)): \($0.help)" }.joined(separator: "\n")
            }.joined(separator: "\n"))
    }

    @Argument(help: "Task name (see `recur list tasks`).") var task: String
    @OptionGroup var options: RunOptions
    @Option(name: .customLong("run-dir"), help: "Run directory (default workspace/runs/<task>-<cell>-<date>).") var runDir: String?
    @Flag(help: "Replace a run already in --run-dir.") var overwrite = false
    @Option(name: .customLong("init-from"), help: "Start from the weights of a run or bundle (a new optimizer; unlike `recur resume`).") var initFrom: String?
    @Flag(help: "Print the summary as one JSON object (progress goes to stderr).") var json = false
    @Flag(help: "Join a data-parallel MPI job (`mpirun -np N recur run … --distributed`); --batch stays the global batch.")
    var distributed = false
    @Argument(parsing: .allUnrecognized, help: .hidden) var taskArguments: [String] = []

    func run() throws {
        let group = distributed ? MPIGroup() : nil
        try reportingErrors(group: group) {
            let descriptor = try Registries.tasks.lookup(task)
            let config = try options.resolve(task: descriptor, taskOptions: try parseTaskArguments())
            BLAS.threads = config.threads
            let session = try descriptor.makeSession(config, TaskContext(cells: Registries.cells, group: group))
            if let initFrom {
                let source = try LoadedRun(path: initFrom)
                do { try load(source.checkpoint.weights, into: session.parameters) } catch {
                    throw UserError("--init-from \(initFrom): its weights do not fit this model: \(error)")
                }
            }
            let directory = RunDirectory(URL(fileURLWithPath: try runDir ?? claimNewDirectory(defaultRunDirectory(config))))
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
            let parameterCount = session.parameters.reduce(0) { $0 + $1.variable.value.count }
            progress.note("\(config.task) with \(config.stack.layers)×\(config.stack.cell) \(config.stack.hiddenSize)\(config.stack.bidirectional ? " bidirectional" : ""), \(parameterCount) parameters, \(try pathDescription(config)), \(BLAS.kernelName) kernels → \(directory.url.path)")
            let trainer = Trainer(config: config, session: session, run: directory, progress: progress, group: group)
            if let group { progress.note("data-parallel over \(group.size) ranks, \(config.batch / group.size) rows each") }
            try withExtendedLifetime(lock) { try train(trainer, until: trainer.plannedSteps, json: json) }
            group?.finish()
        }
    }

    /// `--name value` / `--name=value` pairs the task declares.
    func parseTaskArguments() throws -> [String: String] {
        var result: [String: String] = [:]
        var i = 0
        while i < taskArguments.count {
            let word = taskArguments[i]
            guard word.hasPrefix("--") else { throw UserError("unexpected argument '\(word)'; see `recur run --help`") }
            let body = word.dropFirst(2)
            if let eq = body.firstIndex(of: "=") {
                result[String(body[..<eq])] = String(body[body.index(after: eq)...])
                i += 1
            } else {
                guard i + 1 < taskArguments.count else { throw UserError("\(word) needs a value") }
                result[String(body)] = taskArguments[i + 1]
                i += 2
            }
        }
        return result
    }

    func defaultRunDirectory(_ config: RunConfig) -> String {
        "\(workspaceDirectory())/runs/\(config.task)-\(config.stack.cell)-\(timestamp())"
    }
}

/// Which path the cells will take: "fused" only when the cell has a fused kernel.
func pathDescription(_ config: RunConfig) throws -> String {
    guard config.path == .fused else { return "generic path" }
    var rng = RandomGenerator(seed: 0)
    let probe = try Registries.cells.lookup(config.stack.cell)
        .make(CellConfig(inputSize: 1, hiddenSize: 1, options: config.stack.cellOptions), &rng)
    return probe.fusedPath == nil ? "generic path (the cell has no fused kernel)" : "fused path"
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
func train(_ trainer: Trainer, until total: Int, json: Bool) throws {
    Interrupt.install()
    let summary = try trainer.train(until: total)
    if trainer.group.map({ !$0.isLeader }) == true { return }
    if json {
        var object = summary.json
        object["val_loss"] = summary.metrics["val_loss"]
        try printJSON(object)
    } else {
        let metrics = summary.metrics.sorted { $0.key < $1.key }.map { String(format: "%@ %.4f", $0.key, $0.value) }.joined(separator: ", ")
        trainer.progress.note(String(format: "%@ %d steps in %@, %.0f %@/s; train loss %.4f; %@", summary.interrupted ? "stopped after" : "done:",
                                     summary.steps, formatDuration(summary.seconds), summary.itemsPerSecond, summary.itemName,
                                     summary.trainLoss, metrics))
        trainer.progress.note("run: \(summary.runDirectory.path)")
    }
    if summary.interrupted { throw ExitCode(Interrupt.exitStatus) }
}
