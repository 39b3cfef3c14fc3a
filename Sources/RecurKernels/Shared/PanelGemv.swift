/// The batch-1 matrix–vector product of resident inference, on weights packed in panels of
/// ``PanelGemv/width`` rows, in fp32, fp16 or int8. This one source is compiled twice, by the targets
/// `RecurKernelsAVX512` (`-target-cpu skylake-avx512`, ``Lane`` = `SIMD16`) and `RecurKernelsAVX2`
/// (`-target-cpu haswell`, `SIMD8`), each with its own ``Lane``: Swift has no per-function
/// target attribute, and code built for the baseline x86-64 has neither AVX nor F16C, so a
/// SIMD16 loop there runs as four SSE halves and an fp16 load converts one scalar at a time in
/// software. RecurKit picks the module from the CPU's flags at run time (``ResidentKernel``).
///
/// Packed layout of A `[m, n]`: panel p (rows p·W ..< p·W + W, zero rows past m) is n vectors
/// of W lanes, vector k holding column k: `panels[(p·n + k)·W + j] = A[p·W + j, k]`. A step
/// then reads the weights once, front to back, and each panel's W outputs stay in one register
/// until they are stored — no horizontal sums.
///
///     y[p·W + j] = Σ_k A[p·W + j, k] · x[k]  (+ bias[p·W + j])
///
/// `y` and `bias` hold `panelCount · W` floats (the padding rows give 0 + bias).
public enum PanelGemv {
    public static var width: Int { Lane.scalarCount }

    /// fp32 panels: `panels` holds `panelCount · n · W` floats, 64-byte aligned.
    public static func multiply(panels: UnsafePointer<Float>, panelCount: Int, columns n: Int,
                                x: UnsafePointer<Float>, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) {
        let raw = UnsafeRawPointer(panels)
        let stride = MemoryLayout<Lane>.size
        for p in 0..<panelCount {
            let a = raw + p * n * stride
            store(panelSum(columns: n, x: x) { a.load(fromByteOffset: $0 * stride, as: Lane.self) }, panel: p, bias: bias, y: y)
        }
    }

    /// fp16 panels (the same layout in `Float16`, converted to fp32 lane by lane with
    /// `vcvtph2ps`, accumulated in fp32): half the bytes read per step.
    public static func multiply(panels: UnsafePointer<Float16>, panelCount: Int, columns n: Int,
                                x: UnsafePointer<Float>, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) {
        let raw = UnsafeRawPointer(panels)
        let stride = MemoryLayout<HalfLane>.size
        for p in 0..<panelCount {
            let a = raw + p * n * stride
            store(panelSum(columns: n, x: x) { widen(a.load(fromByteOffset: $0 * stride, as: HalfLane.self)) },
                  panel: p, bias: bias, y: y)
        }
    }

    /// int8 panels (the same layout in `Int8`) with one scale per row, weight = q · scale: a
    /// quarter of fp32's bytes. Each q is widened to fp32 (`vpmovsxbd`, `vcvtdq2ps`), the sums
    /// run in fp32, and each row's sum is scaled once: `y = scale ⊙ (Q·x) + bias`. `scales`
    /// holds `panelCount · W` floats, like `y`.
    public static func multiply(panels: UnsafePointer<Int8>, scales: UnsafePointer<Float>, panelCount: Int, columns n: Int,
                                x: UnsafePointer<Float>, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) {
        let raw = UnsafeRawPointer(panels)
        let stride = MemoryLayout<ByteLane>.size
        for p in 0..<panelCount {
            let a = raw + p * n * stride
            let sum = panelSum(columns: n, x: x) { widen(a.load(fromByteOffset: $0 * stride, as: ByteLane.self)) }
            let scale = UnsafeRawPointer(scales).loadUnaligned(fromByteOffset: p * Lane.scalarCount * MemoryLayout<Float>.size, as: Lane.self)
            store(sum * scale, panel: p, bias: bias, y: y)
        }
    }

    /// `Σ_k column(k) · x[k]` over one panel's `n` columns, `column(k)` being the panel's vector k
    /// widened to fp32. Four chains, so each FMA waits on the one four back rather than the last.
    /// Inlined with its loader into each precision's loop (checked in the assembly: no call).
    @inline(__always)
    static func panelSum(columns n: Int, x: UnsafePointer<Float>, _ column: (Int) -> Lane) -> Lane {
        var s0 = Lane(), s1 = Lane(), s2 = Lane(), s3 = Lane()
        var k = 0
        while k + 4 <= n {
            s0 = s0.addingProduct(column(k), Lane(repeating: x[k]))
            s1 = s1.addingProduct(column(k + 1), Lane(repeating: x[k + 1]))
            s2 = s2.addingProduct(column(k + 2), Lane(repeating: x[k + 2]))
            s3 = s3.addingProduct(column(k + 3), Lane(repeating: x[k + 3]))
            k += 4
        }
        while k < n {
            s0 = s0.addingProduct(column(k), Lane(repeating: x[k]))
            k += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    @inline(__always)
    static func store(_ sum: Lane, panel p: Int, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) {
        let offset = p * Lane.scalarCount * MemoryLayout<Float>.size
        var s = sum
        if let bias { s += UnsafeRawPointer(bias).loadUnaligned(fromByteOffset: offset, as: Lane.self) }
        UnsafeMutableRawPointer(y).storeBytes(of: s, toByteOffset: offset, as: Lane.self)
    }
}

/// Read bandwidth probe for `recur bench sample`: the sum of `bytes` (a multiple of four
/// ``Lane``) at `p`, 64-byte aligned, loaded with the same registers as the products, so the
/// bound it gives is not capped by narrower loads.
public func laneSum(_ p: UnsafeRawPointer, bytes: Int) -> Float {
    let stride = MemoryLayout<Lane>.size
    var s0 = Lane(), s1 = Lane(), s2 = Lane(), s3 = Lane()
    var offset = 0
    while offset + 4 * stride <= bytes {
        s0 += p.load(fromByteOffset: offset, as: Lane.self)
        s1 += p.load(fromByteOffset: offset + stride, as: Lane.self)
        s2 += p.load(fromByteOffset: offset + 2 * stride, as: Lane.self)
        s3 += p.load(fromByteOffset: offset + 3 * stride, as: Lane.self)
        offset += 4 * stride
    }
    return ((s0 + s1) + (s2 + s3)).sum()
}
