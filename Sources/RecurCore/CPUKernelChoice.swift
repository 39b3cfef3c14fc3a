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

    /// Whether the CPU is a Zen or Zen+: AMD family 23 (17h) below model 0x30, which executes
    /// 256-bit AVX2 instructions on 128-bit units, two passes per instruction, as a Zen 4 does
    /// 512-bit ones. (Zen 2, family 23 from model 0x30, has full-width units.)
    public static func splitsAVX2(cpuinfo: String? = processorInfo) -> Bool {
        guard let text = cpuinfo, field("vendor_id", in: text) == "AuthenticAMD", field("cpu family", in: text) == "23",
              let model = field("model", in: text).flatMap({ Int($0) }) else { return false }
        return model < 0x30 && cpuFlags(cpuinfo: text).contains("avx2")
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

    /// The value of the first line of `text` whose name (what precedes its colon, without
    /// surrounding spaces and tabs) is `key`: what follows the colon, trimmed the same way.
    /// The whole name counts, so `model` does not find `model name`.
    private static func field(_ key: String, in text: String) -> String? {
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":"),
                  line[..<colon].trimmingCharacters(in: .whitespaces) == key else { continue }
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
