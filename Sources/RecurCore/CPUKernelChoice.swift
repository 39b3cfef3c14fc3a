import Foundation

/// Picks the OpenBLAS kernel set (`OPENBLAS_CORETYPE`) for this CPU.
///
/// Debian's OpenBLAS 0.3.21 does not recognise recent Xeons and falls back to SSE3 "Prescott"
/// kernels (about 30 GFLOP/s instead of 155, docs/engine-notes.md, "OpenBLAS kernel choice"). OpenBLAS reads the variable only
/// when it loads, so the host sets it and re-executes itself before any product runs.
public enum CPUKernelChoice {
    /// The kernel set to ask for, given the CPU flags of `/proc/cpuinfo`, or `nil` to let
    /// OpenBLAS decide. Only sets whose instructions the CPU has are ever returned.
    public static func coreType(cpuFlags: Set<String>) -> String? {
        let avx512 = ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]
        if avx512.allSatisfy(cpuFlags.contains) {
            // Cooperlake adds only bf16 routines to SkylakeX; its sgemm is the same kernel.
            return "SkylakeX"
        }
        if ["avx2", "fma"].allSatisfy(cpuFlags.contains) { return "Haswell" }
        return nil
    }

    /// Whether the CPU is a Zen 4: AMD family 25 (19h) with AVX-512, which it executes on
    /// 256-bit units, two passes per 512-bit instruction. (Zen 3 is family 25 without AVX-512;
    /// Zen 5, family 26, has full-width units.) `cpuinfo` is `/proc/cpuinfo`'s text; its first
    /// processor counts.
    public static func splitsAVX512(cpuinfo: String? = processorInfo) -> Bool {
        guard let text = cpuinfo else { return false }
        return field("vendor_id", in: text) == "AuthenticAMD" && field("cpu family", in: text) == "25"
            && cpuFlags(cpuinfo: text).contains("avx512f")
    }

    /// The flags of the first processor in `/proc/cpuinfo`.
    public static func cpuFlags(cpuinfo: String? = processorInfo) -> Set<String> {
        guard let text = cpuinfo, let flags = field("flags", in: text) else { return [] }
        return Set(flags.split(separator: " ").map(String.init))
    }

    /// The first processor's block of `/proc/cpuinfo`, read once for every choice made from it.
    /// Every choice reads that processor only, and the file repeats the block for every core (half a
    /// megabyte on a large server), which each reader split into lines again.
    public static let processorInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)).map(firstProcessor)

    /// `text` up to its first blank line: the first processor's block of a `/proc/cpuinfo`.
    static func firstProcessor(_ text: String) -> String {
        text.range(of: "\n\n").map { String(text[..<$0.lowerBound]) } ?? text
    }

    /// The value of the first line of `text` that starts with `key`: what follows its colon,
    /// without surrounding spaces and tabs.
    private static func field(_ key: String, in text: String) -> String? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
              let colon = line.firstIndex(of: ":") else { return nil }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}
