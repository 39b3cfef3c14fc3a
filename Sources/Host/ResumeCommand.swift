import ArgumentParser
import Foundation
import RecurKit

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a run exactly where its checkpoint stopped (same losses as an uninterrupted run).")

    @Argument(help: ArgumentHelp("Run directory.", valueName: "run")) var runPath: String
    @Option(help: "Train until this many steps in total (default: the run's planned length).") var steps: Int?
    @Flag(help: "Print the summary as one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            let loaded = try LoadedRun(path: runPath)
            BLAS.threads = loaded.config.threads
            let progress = ProgressPrinter(handle: json ? .standardError : .standardOutput)
            let trainer = Trainer(config: loaded.config, session: loaded.session, run: loaded.directory, progress: progress)
            try trainer.restore(loaded.checkpoint, source: loaded.directory.checkpointURL.path)
            let total = steps ?? trainer.plannedSteps
            if let steps, steps < 1 { throw UserError("--steps must be at least 1 (got \(steps))") }
            guard total > trainer.step else {
                throw UserError("\(runPath) is already at step \(trainer.step); pass --steps with a larger total to train further")
            }
            progress.note("resuming \(loaded.config.task) at step \(trainer.step) of \(total)")
            try train(trainer, until: total, json: json)
        }
    }
}
