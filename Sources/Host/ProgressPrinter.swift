import Foundation
import RecurKit

/// Progress lines: rewritten in place on a terminal (ANSI), one plain line per report otherwise.
/// The trainer reports events (``TrainingObserver``); this is how the command line shows them.
final class ProgressPrinter: TrainingObserver {
    let handle: FileHandle
    let isTerminal: Bool
    let quiet: Bool
    /// The last evaluation's metrics, shown beside the bar.
    private var lastMetrics: [String: Double] = [:]

    init(handle: FileHandle, quiet: Bool = false) {
        self.handle = handle
        self.isTerminal = isatty(handle.fileDescriptor) != 0
        self.quiet = quiet
    }

    func update(_ line: String) {
        guard !quiet else { return }
        // A rewritten line must not wrap: `\r` returns to the start of the last row only.
        if isTerminal { write("\r\u{1B}[2K" + String(line.prefix(max(terminalColumns() - 1, 20)))) } else { write(line + "\n") }
    }

    /// A line that stays (evaluations, the summary).
    func note(_ line: String) {
        guard !quiet else { return }
        write((isTerminal ? "\r\u{1B}[2K" : "") + line + "\n")
    }

    private func terminalColumns() -> Int {
        var size = winsize()
        return ioctl(handle.fileDescriptor, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 120
    }

    private func write(_ text: String) { handle.write(Data(text.utf8)) }

    /// `[██████▌        ]  43%  step 430/1000  loss 1.8123  12,345 chars/s  ETA 1m02s  val_bpc 2.3456`:
    /// the bar only on a terminal (a log file gets the same facts as a plain line).
    func trained(_ report: StepReport) {
        var parts: [String] = []
        if let total = report.total {
            let fraction = min(max(Double(report.step) / Double(max(total, 1)), 0), 1)
            if isTerminal { parts.append(progressBar(fraction, width: 20)) }
            parts.append(String(format: "%3.0f%%", 100 * fraction))
            parts.append("step \(report.step)/\(total)")
        } else {
            parts.append("step \(report.step)")
        }
        parts.append(String(format: "loss %.4f", report.loss))
        parts.append("\(Int(report.itemsPerSecond.rounded()).formatted(.number.grouping(.automatic))) \(report.itemName)/s")
        parts.append("ETA \(formatDuration(report.secondsLeft ?? .nan))")
        if !lastMetrics.isEmpty { parts.append(MetricText.line(lastMetrics)) }
        update(parts.joined(separator: "  "))
    }

    func evaluated(step: Int, metrics: [String: Double], report: String?) {
        lastMetrics = metrics.filter { $0.key == "val_loss" || !$0.key.hasSuffix("_loss") }
        note("step \(step): " + MetricText.line(metrics))
        if let report { note(report) }
    }

    func stoppedEarly(step: Int, monitor: Monitor, best: Double, bestStep: Int, evaluations: Int) {
        note("early stop at step \(step): \(evaluations) evaluation\(evaluations == 1 ? "" : "s") without a better \(monitor.metric) than \(MetricText.value(monitor.metric, best)) at step \(bestStep)")
    }

    func reducedLearningRate(step: Int, to rate: Float) {
        note(String(format: "step %d: learning rate reduced to %.3g", step, rate))
    }

    func interrupted(step: Int, run: RunDirectory) {
        note("interrupted: checkpoint at step \(step) written to \(run.checkpointURL.path); continue with `recur resume \(run.url.path)`")
    }
}

/// `[█████▌    ]`: eighths of a cell, so that slow progress still moves.
func progressBar(_ fraction: Double, width: Int) -> String {
    let eighths = Int((fraction * Double(width * 8)).rounded(.down))
    let full = eighths / 8, partial = eighths % 8
    let blocks = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    let cells = String(repeating: "█", count: full) + (full < width ? blocks[partial] : "")
    return "[" + cells + String(repeating: " ", count: width - full - (full < width && partial > 0 ? 1 : 0)) + "]"
}

/// `1h02m`, `3m05s`, `12s`.
func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let s = Int(seconds.rounded())
    if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
    if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return "\(s)s"
}
