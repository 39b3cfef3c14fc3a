import CFloatLanes

/// Adam's update and the bias kernels (broadcast add, row sums) on 16 lanes, in one source compiled
/// like ``ElementwiseMath`` (RecurCore's baseline build, RecurKernelsAVX512, RecurKernelsAVX2).
/// Each step is one IEEE operation in the order of the scalar formula, so every build, and every
/// tail element, gives the same bits.
@usableFromInline
enum OptimizerMath: SixteenLanes {
    @usableFromInline typealias V = SIMD16<Float>

    /// `m = β₁m + (1−β₁)g`, `v = β₂v + (1−β₂)g·g`, `w −= stepSize·m / (√v / root2 + ε)` over `count`
    /// elements.
    static func adam(gradient g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
                     weight w: UnsafeMutablePointer<Float>, count: Int,
                     beta1 b1: Float, beta2 b2: Float, stepSize: Float, root2: Float, epsilon eps: Float) {
        let c1 = 1 - b1, c2 = 1 - b2
        let vb1 = V(repeating: b1), vb2 = V(repeating: b2), vc1 = V(repeating: c1), vc2 = V(repeating: c2)
        let vStep = V(repeating: stepSize), vRoot2 = V(repeating: root2), vEps = V(repeating: eps)
        var i = 0
        while i + 16 <= count {
            let gv = load(g + i)
            let mv = vb1 * load(m + i) + vc1 * gv
            let sv = vb2 * load(v + i) + vc2 * gv * gv
            store(mv, m + i)
            store(sv, v + i)
            // CFloatLanes' root, not `sv.squareRoot()`: that one is 16 libm calls (Adam's update
            // of 110k floats 0.33 → 0.08 ms on Zen 4), with the same bits.
            store(load(w + i) - vStep * mv / (recur_square_root16(sv) / vRoot2 + vEps), w + i)
            i += 16
        }
        while i < count {
            m[i] = b1 * m[i] + c1 * g[i]
            v[i] = b2 * v[i] + c2 * g[i] * g[i]
            w[i] -= stepSize * m[i] / (v[i].squareRoot() / root2 + eps)
            i += 1
        }
    }

    /// Adds `row` (`columns` long) to each of `rows` rows of `dst`.
    static func addRow(_ row: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        for r in 0..<rows {
            let d = dst + r * columns
            var c = 0
            while c + 16 <= columns { store(load(d + c) + load(row + c), d + c); c += 16 }
            while c < columns { d[c] += row[c]; c += 1 }
        }
    }

    /// `dst[c] += Σ_r src[r, c]`, rows added in order.
    static func accumulateRowSum(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
                                 stride: Int) {
        var c = 0
        // 64 columns at a time in registers, so dst is read and written once per block.
        while c + 64 <= columns {
            var a0 = load(dst + c), a1 = load(dst + c + 16), a2 = load(dst + c + 32), a3 = load(dst + c + 48)
            for r in 0..<rows {
                let s = src + r * stride + c
                a0 += load(s); a1 += load(s + 16); a2 += load(s + 32); a3 += load(s + 48)
            }
            store(a0, dst + c); store(a1, dst + c + 16); store(a2, dst + c + 32); store(a3, dst + c + 48)
            c += 64
        }
        while c + 16 <= columns {
            var a = load(dst + c)
            for r in 0..<rows { a += load(src + r * stride + c) }
            store(a, dst + c)
            c += 16
        }
        while c < columns {
            var a = dst[c]
            for r in 0..<rows { a += src[r * stride + c] }
            dst[c] = a
            c += 1
        }
    }
}
