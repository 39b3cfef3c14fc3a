import ArgumentParser
import Foundation
import RecurBundle
import RecurKit

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a run exactly where its checkpoint stopped (same losses as an uninterrupted run).")

    @Argument(help: ArgumentHelp("Run directory or bundle.", valueName: "run-or-bundle")) var runPath: String
    @Option(name: .customLong("run-dir"), help: "Where a resumed bundle's run goes (default workspace/runs/<bundle>-resumed-<date>).") var runDir: String?
    @Option(parsing: .unconditional, help: "Train until this many steps in total (default: the run's planned length).") var steps: Int?
    @Option(help: "Training data for a resumed bundle (a bundle's own data path is a record and is never opened).") var data: String?
    @Flag(help: "Print the summary as one JSON object.") var json = false
    @OptionGroup var tensorboard: TensorBoardOption
    @Flag(help: "Continue as a data-parallel MPI job, on any number of ranks (`mpirun -np N recur resume RUN --distributed`).")
    var distributed = false

    func run() throws {
        try withProcessGroup(distributed) { group in
            // A run directory is locked before it is read: another process may be writing it.
            let isLeader = group?.isLeader ?? true
            let candidate = RunDirectory(URL(fileURLWithPath: runPath))
            let isRun = RegularFile.kind(of: runPath) == .directory && RegularFile.kind(of: candidate.configURL.path) != .missing
            let early = isLeader && isRun ? try candidate.lock() : nil
            var loaded = try LoadedRun(path: runPath, data: data, group: group)
            if group != nil && loaded.bundle != nil {
                throw UserError("\(runPath): unpack the bundle with `recur import` before resuming it on several ranks")
            }
            if data != nil && loaded.bundle == nil && loaded.recordedData == nil {
                throw UserError("--data is for resuming a bundle (or a run imported from one); a run directory continues on the data its config.json names")
            }
            if let bundle = loaded.bundle, let best = bundle.manifest.bestStep {
                throw UserError("\(runPath) holds the best weights (step \(best)) without their training position (exported with --best); start a new run from them with `recur run \(loaded.config.task) --init-from \(runPath)`")
            }
            try loaded.requireData(to: "resume it")
            if let steps, steps < 1 { throw UserError("--steps must be at least 1 (got \(steps))") }
            var unpacked: URL?
            let progress = ProgressPrinter(handle: json ? .standardError : .standardOutput, quiet: !(group?.isLeader ?? true))
            if let bundle = loaded.bundle {
                // A bundle is read-only: continue in a fresh run directory made from it.
                let stem = URL(fileURLWithPath: runPath).deletingPathExtension().lastPathComponent
                let destination = URL(fileURLWithPath: try runDir ?? claimNewDirectory("\(workspaceDirectory())/runs/\(stem)-resumed-\(timestamp())"))
                try bundle.materialize(at: destination, config: loaded.config)
                unpacked = destination
            }
            let lock: RunDirectoryLock?
            let trainer: Trainer
            let total: Int
            do {
                if let unpacked { loaded = try LoadedRun(path: unpacked.path) }
                guard var directory = loaded.directory else { throw UserError("\(runPath): nowhere to write checkpoints") }
                lock = try early ?? (isLeader ? directory.lock() : nil)
                if lock != nil { RunDirectory.removeStaleTemporaries(in: directory.url) }
                BLAS.threads = loaded.config.threads
                try tensorboard.attach(to: &directory, isLeader: isLeader)
                trainer = Trainer(config: loaded.config, session: loaded.session, run: directory, observer: progress, group: group)
                try trainer.restore(loaded.checkpoint, source: loaded.source)
                if let monitor = loaded.checkpoint.position.monitor, monitor.stoppedEarly, steps == nil {
                    throw UserError("\(runPath) stopped early at step \(trainer.step): \(monitor.evaluationsSinceBest) evaluations without a better \(trainer.monitor.metric) than at step \(monitor.bestStep ?? 0); pass --steps N to train on regardless")
                }
                total = steps ?? trainer.plannedSteps
                guard total > trainer.step else {
                    throw UserError("\(runPath) is already at step \(trainer.step); pass --steps with a larger total to train further")
                }
                if isLeader && unpacked == nil && loaded.recordedData != nil {
                    // An imported run resumed with --data: from now on it is this machine's run.
                    try directory.writeConfig(loaded.config)
                    try FileManager.default.removeItem(at: directory.url.appendingPathComponent(RunBundle.importedMarker))
                }
            } catch {
                // A resume that never started leaves no half-made run behind.
                if let unpacked { try? FileManager.default.removeItem(at: unpacked) }
                throw error
            }
            if let unpacked { progress.note("bundle unpacked into \(unpacked.path)") }
            progress.note("resuming \(loaded.config.task) at step \(trainer.step) of \(total)")
            try withExtendedLifetime(lock) { try train(trainer, until: total, json: json, progress: progress) }
            group?.finish()
        }
    }
}
