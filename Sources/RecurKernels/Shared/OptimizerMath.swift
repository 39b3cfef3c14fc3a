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
    ///
    /// Four rows at a time over the whole width, with `dst` held in L1 between them: the source is
    /// read once, front to back. Column stripes down every row (the earlier loop) read a
    /// `[6400, 1536]` ∂gh at 6 KiB strides, which the prefetchers did not follow: 1.5% of a GRU
    /// 2×512 training step. Each column still adds its rows in order, so the bits are the same.
    static func accumulateRowSum(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
                                 stride: Int) {
        var r = 0
        while r + 4 <= rows {
            let s0 = src + r * stride, s1 = s0 + stride, s2 = s1 + stride, s3 = s2 + stride
            var c = 0
            while c + 16 <= columns {
                store(load(dst + c) + load(s0 + c) + load(s1 + c) + load(s2 + c) + load(s3 + c), dst + c)
                c += 16
            }
            while c < columns {
                dst[c] = dst[c] + s0[c] + s1[c] + s2[c] + s3[c]
                c += 1
            }
            r += 4
        }
        while r < rows {
            let s = src + r * stride
            var c = 0
            while c + 16 <= columns { store(load(dst + c) + load(s + c), dst + c); c += 16 }
            while c < columns { dst[c] += s[c]; c += 1 }
            r += 1
        }
    }
}
