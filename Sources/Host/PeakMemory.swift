import Foundation

/// The process's peak resident set so far: `VmHWM` of /proc/self/status, the figure
/// `/usr/bin/time -v` reports as "Maximum resident set size", in MiB; `nil` off Linux.
enum PeakMemory {
    static func residentMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            // "VmHWM:\t  175232 kB": the padding is spaces, but an 8-digit figure follows the tab directly.
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count >= 2, let kib = Double(fields[1]) { return kib / 1024 }
        }
        return nil
    }
}
