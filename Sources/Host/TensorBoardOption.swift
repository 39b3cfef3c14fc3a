import ArgumentParser
import Foundation
import RecurKit

/// `--tensorboard DIR` of `run` and `resume`: mirror the run's log to a TensorBoard event file
/// in DIR as it trains.
struct TensorBoardOption: ParsableArguments {
    @Option(name: .customLong("tensorboard"), help: ArgumentHelp(
        "Also write the curves (every numeric log.jsonl field, per step) as TensorBoard events in this directory, for `tensorboard --logdir`.",
        valueName: "dir"))
    var directory: String?

    /// Adds a TensorBoard writer to the run's log listeners when `--tensorboard` was given; only
    /// the process that writes the log (rank 0) writes events.
    func attach(to run: inout RunDirectory, isLeader: Bool) throws {
        guard let directory, isLeader else { return }
        run.logListeners.append(try TensorBoardWriter(directory: URL(fileURLWithPath: directory)))
    }
}
