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

    /// The flags of the first processor in `/proc/cpuinfo`.
    public static func cpuFlags(cpuinfo: String? = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) -> Set<String> {
        guard let text = cpuinfo,
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
