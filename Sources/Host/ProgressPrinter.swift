import Foundation
import RecurKit

/// Progress lines: rewritten in place on a terminal (ANSI), one plain line per report otherwise.
/// The trainer reports events (``TrainingObserver``); this is how the command line shows them.
final class ProgressPrinter: TrainingObserver {
    let handle: FileHandle
    let isTerminal: Bool
    let quiet: Bool

    init(handle: FileHandle, quiet: Bool = false) {
        self.handle = handle
        self.isTerminal = isatty(handle.fileDescriptor) != 0
        self.quiet = quiet
    }

    func update(_ line: String) {
        guard !quiet else { return }
        if isTerminal { write("\r\u{1B}[2K" + line) } else { write(line + "\n") }
    }

    /// A line that stays (evaluations, the summary).
    func note(_ line: String) {
        guard !quiet else { return }
        write((isTerminal ? "\r\u{1B}[2K" : "") + line + "\n")
    }

    private func write(_ text: String) { handle.write(Data(text.utf8)) }

    func trained(_ report: StepReport) {
        let of = report.total.map { "/\($0)" } ?? ""
        update(String(format: "step %d%@  loss %.4f  %.0f %@/s  ETA %@", report.step, of, report.loss, report.itemsPerSecond,
                      report.itemName, formatDuration(report.secondsLeft ?? .nan)))
    }

    func evaluated(step: Int, metrics: [String: Double], report: String?) {
        note("step \(step): " + metrics.sorted { $0.key < $1.key }.map { String(format: "%@ %.4f", $0.key, $0.value) }.joined(separator: "  "))
        if let report { note(report) }
    }

    func interrupted(step: Int, run: RunDirectory) {
        note("interrupted: checkpoint at step \(step) written to \(run.checkpointURL.path); continue with `recur resume \(run.url.path)`")
    }
}

/// `1h02m`, `3m05s`, `12s`.
func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let s = Int(seconds.rounded())
    if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
    if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return "\(s)s"
}
