import ArgumentParser
import Foundation
import RecurKit

/// `recur arena`: every cell on every task with several seeds, each job an ordinary run, then a
/// leaderboard per task with Welch intervals against a baseline cell.
struct ArenaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arena", abstract: "Train every cell on every task with several seeds and rank them (resumable).",
        discussion: """
        Each job is an ordinary run in OUT/runs/TASK/CELL/seed-N (exportable, resumable). Results go to OUT/results.jsonl; \
        running the same command again skips finished jobs and resumes interrupted ones. A cell may carry options: \
        --cells lstm,lstm:forget_bias=1,gru. The score of a job is the best value of its task's monitored metric.
        """)

    @Option(help: "Cells, comma-separated; options after a colon, separated by ';' (lstm:forget_bias=1).") var cells: String
    @Option(help: "Tasks, comma-separated.") var tasks: String
    @Option(parsing: .unconditional, help: "Seeds per cell and task (0, 1, …).") var seeds: Int = 3
    @Option(parsing: .unconditional, help: "Training steps per job.") var steps: Int?
    @Option(parsing: .unconditional, help: "Minutes per job (instead of --steps).") var minutes: Double?
    @Option(help: ArgumentHelp("Match each cell's recurrent stack to this many parameters (100k, 1.5M) by its hidden size.", valueName: "count"))
    var params: String?
    @Option(parsing: .unconditional, help: "Hidden size for every cell (default: the task's; ignored with --params).") var hidden: Int?
    @Option(parsing: .unconditional, help: "Evaluate every N steps (default: the task's).") var evalEvery: Int?
    @Option(name: .customLong("task-option"), help: ArgumentHelp("A task's option, task.key=value (repeatable).", valueName: "task.key=value"))
    var taskOptions: [String] = []
    @Option(help: ArgumentHelp("A task's data file, task=FILE (repeatable; default: the task's own).", valueName: "task=file"))
    var data: [String] = []
    @Option(help: "The cell the others are compared with (default: the first of --cells).") var baseline: String?
    @Option(help: "The arena's directory.") var out: String
    @Flag(help: "Print the leaderboards as one JSON object.") var json = false
    @Flag(help: "Share the jobs among MPI ranks (`mpirun -np N recur arena … --distributed`); rank 0 writes the results.")
    var distributed = false

    func run() throws {
        try withProcessGroup(distributed) { group in
            let plan = try makePlan()
            let arena = Arena(directory: URL(fileURLWithPath: out), quiet: json || !(group?.isLeader ?? true))
            try arena.run(plan, group: group)
            group?.finish()
            guard group?.isLeader ?? true else { return }
            let boards = try arena.leaderboards(plan)
            try arena.writePage(boards, plan: plan)
            if json { try printJSON(["tasks": boards.map(\.json), "page": arena.pageURL.path]) } else {
                for board in boards { print(board.text) }
                print("page: \(arena.pageURL.path)")
            }
        }
    }

    func makePlan() throws -> ArenaPlan {
        guard seeds >= 1 && seeds <= 1000 else { throw UserError("--seeds must be from 1 to 1000 (got \(seeds))") }
        guard (steps == nil) != (minutes == nil) else { throw UserError("give a budget per job: --steps N or --minutes M (one of them)") }
        if let steps, steps < 1 { throw UserError("--steps must be at least 1 (got \(steps))") }
        if let minutes, !(minutes > 0) { throw UserError("--minutes must be positive (got \(minutes))") }
        let cellList = try cells.split(separator: ",").map { try ArenaCell(parsing: String($0)) }
        let taskList = try tasks.split(separator: ",").map { try Registries.tasks.lookup(String($0)) }
        guard !cellList.isEmpty, !taskList.isEmpty else { throw UserError("--cells and --tasks each need at least one name") }
        if let duplicate = firstDuplicate(cellList.map(\.label)) { throw UserError("--cells names \(duplicate) twice") }
        for cell in cellList { _ = try Registries.cells.lookup(cell.name) }
        let base = baseline ?? cellList[0].label
        guard cellList.contains(where: { $0.label == base }) else {
            throw UserError("--baseline \(base) is not one of --cells (\(cellList.map(\.label).joined(separator: ", ")))")
        }
        var perTask: [String: [String: String]] = [:]
        for item in taskOptions {
            guard let dot = item.firstIndex(of: "."), let equals = item.firstIndex(of: "="), dot < equals else {
                throw UserError("--task-option takes task.key=value (got '\(item)')")
            }
            let task = String(item[..<dot])
            guard taskList.contains(where: { $0.name == task }) else { throw UserError("--task-option \(item): \(task) is not one of --tasks") }
            perTask[task, default: [:]][String(item[item.index(after: dot)..<equals])] = String(item[item.index(after: equals)...])
        }
        var files: [String: String] = [:]
        for item in data {
            guard let equals = item.firstIndex(of: "=") else { throw UserError("--data takes task=FILE (got '\(item)')") }
            let task = String(item[..<equals])
            guard let descriptor = taskList.first(where: { $0.name == task }) else { throw UserError("--data \(item): \(task) is not one of --tasks") }
            if let reason = descriptor.unusedCommonOptions["data"] { throw UserError("--data \(item): task '\(task)' does not use --data: \(reason)") }
            files[task] = URL(fileURLWithPath: String(item[item.index(after: equals)...])).path
        }
        let target = try params.map(parseCount)
        var jobs: [ArenaJob] = [], choices: [String] = []
        for task in taskList {
            for cell in cellList {
                var config = task.defaultConfig()
                config.stack.cell = cell.name
                if let file = files[task.name] { config.data = file }
                config.stack.cellOptions = try Registries.cells.lookup(cell.name).options.resolve(stored: [:], text: cell.options)
                config.taskOptions = try task.options.resolve(stored: config.taskOptions, text: perTask[task.name] ?? [:])
                if let steps { config.steps = steps; config.epochs = nil; config.minutes = nil }
                if let minutes { config.minutes = minutes; config.steps = nil; config.epochs = nil }
                if let hidden { config.stack.hiddenSize = hidden }
                if let evalEvery { config.evalEvery = evalEvery }
                config.checkpointEvery = config.evalEvery
                config.threads = 1
                if let target {
                    let (size, count) = try matchedHiddenSize(target: target, config: config, task: task)
                    config.stack.hiddenSize = size
                    choices.append("\(cell.label) on \(task.name): hidden \(size) → \(count) recurrent parameters (target \(target))")
                }
                try RunOptions.check(config)
                for seed in 0..<UInt64(seeds) {
                    var c = config
                    c.seed = seed
                    let folder = URL(fileURLWithPath: out).appendingPathComponent("runs/\(task.name)/\(cell.directoryName)/seed-\(seed)")
                    jobs.append(ArenaJob(task: task, cell: cell, seed: seed, config: c, directory: RunDirectory(folder)))
                }
            }
        }
        return ArenaPlan(jobs: jobs, cells: cellList.map(\.label), tasks: taskList, baseline: base, choices: choices)
    }
}

/// The matrix of an arena command, in job order (task, cell, seed).
struct ArenaPlan {
    let jobs: [ArenaJob]
    let cells: [String]
    let tasks: [TaskDescriptor]
    let baseline: String
    /// How `--params` chose each hidden size, one line each.
    let choices: [String]
}
