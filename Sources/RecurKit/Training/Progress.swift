import Foundation

/// Progress lines: rewritten in place on a terminal, one plain line per report otherwise.
public struct ProgressPrinter {
    public let handle: FileHandle
    public let isTerminal: Bool
    public let quiet: Bool

    public init(handle: FileHandle, quiet: Bool = false) {
        self.handle = handle
        self.isTerminal = isatty(handle.fileDescriptor) != 0
        self.quiet = quiet
    }

    public func update(_ line: String) {
        guard !quiet else { return }
        if isTerminal { write("\r\u{1B}[2K" + line) } else { write(line + "\n") }
    }

    /// A line that stays (evaluations, the summary).
    public func note(_ line: String) {
        guard !quiet else { return }
        write((isTerminal ? "\r\u{1B}[2K" : "") + line + "\n")
    }

    private func write(_ text: String) { handle.write(Data(text.utf8)) }
}

/// `1h02m`, `3m05s`, `12s`.
public func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let s = Int(seconds.rounded())
    if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
    if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return "\(s)s"
}
