import Foundation

/// One core's L2 cache size as Linux reports it (`/sys/devices/system/cpu/cpu0/cache/index*/`:
/// the level-2 entry of type Unified or Data), for choices that depend on what stays in it from
/// one time step to the next (``FusedPass/stepGradientBytes``).
enum CoreCache {
    /// When sysfs does not say (no /sys, an unreadable or odd entry): the smallest L2 of the CPUs
    /// Recur tunes for (Zen 2 and 3).
    static let fallbackLevel2Bytes = 512 * 1024

    /// This machine's, read once.
    static let level2Bytes = level2Bytes(cacheDirectory: "/sys/devices/system/cpu/cpu0/cache")

    /// The L2 size in `cacheDirectory` (sysfs's `cpu0/cache` layout), or ``fallbackLevel2Bytes``
    /// when no entry gives a size between 64 KiB and 64 MiB.
    static func level2Bytes(cacheDirectory: String) -> Int {
        func read(_ index: Int, _ name: String) -> String? {
            (try? String(contentsOfFile: "\(cacheDirectory)/index\(index)/\(name)", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        for index in 0..<8 {
            guard read(index, "level") == "2", ["Unified", "Data"].contains(read(index, "type") ?? ""),
                  let text = read(index, "size"), let bytes = parseSize(text) else { continue }
            return (64 * 1024...64 * 1024 * 1024).contains(bytes) ? bytes : fallbackLevel2Bytes
        }
        return fallbackLevel2Bytes
    }

    /// "1024K", "2M" or a plain byte count; nil for anything else.
    static func parseSize(_ text: String) -> Int? {
        let unit: Int, digits: Substring
        switch text.last {
        case "K": (unit, digits) = (1024, text.dropLast())
        case "M": (unit, digits) = (1024 * 1024, text.dropLast())
        default: (unit, digits) = (1, Substring(text))
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let count = Int(digits), count > 0,
              count <= Int.max / unit else { return nil }
        return count * unit
    }
}
