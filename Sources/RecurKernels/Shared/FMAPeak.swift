// One source, compiled twice: RecurKernelsAVX512 (`Lane` = SIMD16<Float>, -target-cpu skylake-avx512)
// and RecurKernelsAVX2 (`Lane` = SIMD8<Float>, -target-cpu haswell); each module's Lane.swift says
// which. The file is a symlink in both target folders, so the two paths cannot drift apart.

/// Fused multiply-adds and nothing else: the ceiling of every product kernel on this core.
///
/// Twelve independent chains `acc_i ← acc_i + x·y` in registers, no loads or stores in the loop.
/// Twelve covers the FMA latency times the ports of every x86 core with FMA since Haswell (4
/// cycles × 2 ports, or 1 port for a 512-bit FMA on Zen 4), so the loop is bound by the FMA
/// units' throughput alone, and fits AVX2's 16 registers with the two factors.
public enum FMAPeak {
    /// Floating-point operations of one ``run(iterations:)`` iteration: 12 FMAs of `Lane` width, 2 each.
    public static var flopsPerIteration: Int { 12 * 2 * Lane.scalarCount }

    /// Runs `iterations` rounds of the twelve chains and returns a sum that depends on all of
    /// them, so the caller can keep it and the loop cannot be dropped.
    @inline(never)
    public static func run(iterations: Int) -> Float {
        var a0 = Lane(repeating: 0), a1 = Lane(repeating: 1), a2 = Lane(repeating: 2), a3 = Lane(repeating: 3)
        var a4 = Lane(repeating: 4), a5 = Lane(repeating: 5), a6 = Lane(repeating: 6), a7 = Lane(repeating: 7)
        var a8 = Lane(repeating: 8), a9 = Lane(repeating: 9), a10 = Lane(repeating: 10), a11 = Lane(repeating: 11)
        // Small factors: after 10⁹ iterations the sums stay far from overflow.
        let x = Lane(repeating: 1e-6), y = Lane(repeating: 0.5)
        for _ in 0..<iterations {
            a0.addProduct(x, y); a1.addProduct(x, y); a2.addProduct(x, y); a3.addProduct(x, y)
            a4.addProduct(x, y); a5.addProduct(x, y); a6.addProduct(x, y); a7.addProduct(x, y)
            a8.addProduct(x, y); a9.addProduct(x, y); a10.addProduct(x, y); a11.addProduct(x, y)
        }
        let sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11))
        return sum.sum()
    }
}
