import ArgumentParser
import Foundation
import RecurKit

/// Runs an arena's jobs and keeps its record: `results.jsonl` (one line per finished job, in
/// job order) and each job's `arena.json` (its result with timing) in its run directory.
final class Arena {
    let directory: URL
    let quiet: Bool

    init(directory: URL, quiet: Bool) {
        self.directory = directory
        self.quiet = quiet
    }

    var resultsURL: URL { directory.appendingPathComponent("results.jsonl") }
    var pageURL: URL { directory.appendingPathComponent("arena.html") }

    private func note(_ line: String) {
        guard !quiet else { return }
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// The finished jobs recorded so far, by key; a line that is not a result names its line.
    func recorded() throws -> [String: ArenaResult] {
        guard RegularFile.kind(of: resultsURL.path) != .missing else { return [:] }
        let text = String(decoding: try RegularFile.read(resultsURL, limit: 256 << 20), as: UTF8.self)
        var results: [String: ArenaResult] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            guard let result = try? JSONDecoder().decode(ArenaResult.self, from: Data(line.utf8)), result.best.isFinite else {
                throw UserError("\(resultsURL.path):\(number + 1): not an arena result line")
            }
            results[result.key] = result
        }
        return results
    }

    private func append(_ result: ArenaResult) throws {
        var data = try result.resultLine()
        data.append(0x0A)
        try AppendOnlyFile.append(data, to: resultsURL)
    }

    /// Runs every job not yet in results.jsonl (rank r of N takes every N-th), resuming one
    /// whose run directory has a checkpoint; rank 0 records them in job order.
    func run(_ plan: ArenaPlan, group: (any ProcessGroup)?) throws {
        let isLeader = group?.isLeader ?? true
        if isLeader { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        for choice in plan.choices { note(choice) }
        let done = try recorded()
        let pending = plan.jobs.filter { done[$0.key] == nil }
        note("\(plan.jobs.count) jobs: \(plan.jobs.count - pending.count) done, \(pending.count) to run → \(directory.path)")
        Interrupt.install()
        for (i, job) in pending.enumerated() where group.map({ i % $0.size == $0.rank }) ?? true {
            let result = try run(job)
            if group == nil { try append(result) }
            note(String(format: "[%d/%d] %@ %@ seed %d: %@ %@ (best at step %d of %d)%@", plan.jobs.count - pending.count + i + 1, plan.jobs.count,
                        job.task.name, job.cell.label, job.seed, result.monitor, MetricText.value(result.monitor, result.best),
                        result.bestStep, result.steps, result.seconds.map { String(format: ", %.1f s", $0) } ?? ""))
        }
        if let group {
            _ = group.allReduceSum([0])   // every rank's jobs are on disk before rank 0 records them
            if isLeader { for job in pending { try append(try Self.readResult(job)) } }
        }
    }

    static func resultURL(_ job: ArenaJob) -> URL { job.directory.url.appendingPathComponent("arena.json") }

    static func readResult(_ job: ArenaJob) throws -> ArenaResult {
        let url = resultURL(job)
        guard let result = try? JSONDecoder().decode(ArenaResult.self, from: RegularFile.read(url, limit: 1 << 20)),
              result.key == job.key else {
            throw UserError("\(url.path): not the result of \(job.task.name) \(job.cell.label) seed \(job.seed)")
        }
        return result
    }

    /// One job: from scratch, or from its checkpoint when an earlier arena was interrupted.
    private func run(_ job: ArenaJob) throws -> ArenaResult {
        if RegularFile.kind(of: Self.resultURL(job).path) == .regular, let result = try? Self.readResult(job) { return result }
        let run = job.directory
        try FileManager.default.createDirectory(at: run.url, withIntermediateDirectories: true)
        let lock = try run.lock()
        RunDirectory.removeStaleTemporaries(in: run.url)
        let trainer: Trainer, total: Int
        if RegularFile.kind(of: run.checkpointURL.path) == .regular {
            let loaded = try LoadedRun(path: run.url.path)
            guard loaded.config == job.config else {
                throw UserError("\(run.url.path) holds a run with other settings than this arena's; remove it or use another --out")
            }
            trainer = Trainer(config: loaded.config, session: loaded.session, run: run)
            try trainer.restore(loaded.checkpoint, source: loaded.source)
            total = trainer.plannedSteps
            note("resuming \(job.task.name) \(job.cell.label) seed \(job.seed) at step \(trainer.step)")
        } else {
            let session = try job.task.makeSession(job.config, TaskContext(cells: Registries.cells))
            try run.create(overwrite: true)
            try run.writeConfig(job.config)
            try run.writeArtifacts(try session.artifacts())
            trainer = Trainer(config: job.config, session: session, run: run)
            total = trainer.plannedSteps
        }
        BLAS.threads = 1
        let summary = try withExtendedLifetime(lock) { try trainer.train(until: total) }
        if summary.interrupted {
            note("interrupted: \(job.task.name) \(job.cell.label) seed \(job.seed) checkpointed at step \(summary.steps); run the same command to continue")
            throw ExitCode(Interrupt.exitStatus)
        }
        let monitor = trainer.monitor
        guard let final = summary.metrics[monitor.metric] else {
            throw UserError("\(job.task.name) reported no \(monitor.metric) (it reports \(summary.metrics.keys.sorted().joined(separator: ", ")))")
        }
        let result = ArenaResult(
            task: job.task.name, cell: job.cell.label, seed: job.seed, hidden: job.config.stack.hiddenSize,
            stackParameters: stackParameterCount(trainer.session),
            parameters: trainer.session.parameters.reduce(0) { $0 + $1.variable.value.count }, steps: summary.steps,
            monitor: monitor.metric, goal: monitor.goal.rawValue, best: summary.best?.value ?? final, bestStep: summary.best?.step ?? summary.steps,
            final: final, seconds: summary.seconds, itemsPerSecond: summary.itemsPerSecond)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(result), to: Self.resultURL(job))
        return result
    }
}
