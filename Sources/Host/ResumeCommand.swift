import ArgumentParser
import Foundation
import RecurKit
import RecurMPI

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a run exactly where its checkpoint stopped (same losses as an uninterrupted run).")

    @Argument(help: ArgumentHelp("Run directory or bundle.", valueName: "run-or-bundle")) var runPath: String
    @Option(name: .customLong("run-dir"), help: "Where a resumed bundle's run goes (default workspace/runs/<bundle>-resumed-<date>).") var runDir: String?
    @Option(parsing: .unconditional, help: "Train until this many steps in total (default: the run's planned length).") var steps: Int?
    @Option(help: "Training data for a resumed bundle (a bundle's own data path is a record and is never opened).") var data: String?
    @Flag(help: "Print the summary as one JSON object.") var json = false
    @Flag(help: "Continue as a data-parallel MPI job, on any number of ranks (`mpirun -np N recur resume RUN --distributed`).")
    var distributed = false

    func run() throws {
        let group = distributed ? MPIGroup() : nil
        try reportingErrors(group: group) {
            var loaded = try LoadedRun(path: runPath, data: data, group: group)
            if group != nil && loaded.bundle != nil {
                throw UserError("\(runPath): unpack the bundle with `recur import` before resuming it on several ranks")
            }
            if data != nil && loaded.bundle == nil {
                throw UserError("--data is for resuming a bundle; a run directory continues on the data its config.json names")
            }
            try loaded.requireData(to: "resume it")
            let progress = ProgressPrinter(handle: json ? .standardError : .standardOutput, quiet: !(group?.isLeader ?? true))
            if let bundle = loaded.bundle {
                // A bundle is read-only: continue in a fresh run directory made from it.
                let stem = URL(fileURLWithPath: runPath).deletingPathExtension().lastPathComponent
                let destination = URL(fileURLWithPath: runDir ?? "\(workspaceDirectory())/runs/\(stem)-resumed-\(timestamp())")
                try bundle.materialize(at: destination, config: loaded.config)
                progress.note("bundle unpacked into \(destination.path)")
                loaded = try LoadedRun(path: destination.path)
            }
            guard let directory = loaded.directory else { throw UserError("\(runPath): nowhere to write checkpoints") }
            BLAS.threads = loaded.config.threads
            let trainer = Trainer(config: loaded.config, session: loaded.session, run: directory, progress: progress, group: group)
            try trainer.restore(loaded.checkpoint, source: loaded.source)
            let total = steps ?? trainer.plannedSteps
            if let steps, steps < 1 { throw UserError("--steps must be at least 1 (got \(steps))") }
            guard total > trainer.step else {
                throw UserError("\(runPath) is already at step \(trainer.step); pass --steps with a larger total to train further")
            }
            progress.note("resuming \(loaded.config.task) at step \(trainer.step) of \(total)")
            try train(trainer, until: total, json: json)
            group?.finish()
        }
    }
}
