/// The GRU's element-wise steps around its σ and tanh passes, in one source compiled three times
/// like ``LSTMGates`` (RecurCore: baseline x86-64; RecurKernelsAVX512 / RecurKernelsAVX2). They
/// were the fused GRU kernel's own loops, built for the baseline four floats at a time: its
/// backward took 9.8% of a 1×128 GRU's training step (perf, Zen 4).
///
/// Per row the cache holds `[4H]` = r, z, n, hn, where hn = W_hn·h₋₁ + b_hn (r multiplies it
/// inside the tanh). Every step is one IEEE operation in the order of the equations, lane by
/// lane, so the builds give the same bits, and the same as the scalar loops they replace.
public enum GRUGates: SixteenLanes {
    typealias V = SIMD16<Float>

    /// `pre = x + r ⊙ hn` over `count` units: the candidate's pre-activation.
    public static func candidate(_ x: UnsafePointer<Float>, r: UnsafePointer<Float>, hn: UnsafePointer<Float>,
                                 into pre: UnsafeMutablePointer<Float>, count: Int) {
        var j = 0
        while j + 16 <= count {
            store(load(x + j) + load(r + j) * load(hn + j), pre + j)
            j += 16
        }
        while j < count {
            pre[j] = x[j] + r[j] * hn[j]
            j += 1
        }
    }

    /// `h = (1 − z) ⊙ n + z ⊙ h₋₁` over `count` units.
    public static func blend(z: UnsafePointer<Float>, n: UnsafePointer<Float>, previous: UnsafePointer<Float>,
                             into h: UnsafeMutablePointer<Float>, count: Int) {
        let one = V(repeating: 1)
        var j = 0
        while j + 16 <= count {
            let zv = load(z + j)
            store((one - zv) * load(n + j) + zv * load(previous + j), h + j)
            j += 16
        }
        while j < count {
            h[j] = (1 - z[j]) * n[j] + z[j] * previous[j]
            j += 1
        }
    }

    /// From ∂h `[H]` per row: ∂ of the pre-activations `gradGx` and `gradGh` `[3H]` (r, z, n) and
    /// ∂h₋₁ = ∂h ⊙ z (the recurrent product's share is added by the caller), where
    ///
    ///     ∂n = ∂h ⊙ (1 − z) ⊙ (1 − n²)    ∂z = ∂h ⊙ (h₋₁ − n) ⊙ z ⊙ (1 − z)
    ///     ∂r = ∂n ⊙ hn ⊙ r ⊙ (1 − r)
    ///
    /// and ∂gx = (∂r, ∂z, ∂n), ∂gh = (∂r, ∂z, ∂n ⊙ r). `cache` `[4H]`, `previous` `[H]` per row.
    public static func backward(rows: Int, hidden H: Int, cache: UnsafePointer<Float>, previous: UnsafePointer<Float>,
                                gradH: UnsafePointer<Float>, gradGx: UnsafeMutablePointer<Float>,
                                gradGh: UnsafeMutablePointer<Float>, gradPrevious: UnsafeMutablePointer<Float>) {
        let one = V(repeating: 1)
        for row in 0..<rows {
            let act = cache + row * 4 * H
            let r = act, z = act + H, n = act + 2 * H, hn = act + 3 * H
            let dh = gradH + row * H, hPrev = previous + row * H
            let dx = gradGx + row * 3 * H, dhh = gradGh + row * 3 * H, dPrev = gradPrevious + row * H
            var j = 0
            while j + 16 <= H {
                let dhv = load(dh + j), rv = load(r + j), zv = load(z + j), nv = load(n + j)
                let dn = dhv * (one - zv) * (one - nv * nv)
                let dz = dhv * (load(hPrev + j) - nv) * zv * (one - zv)
                let dr = dn * load(hn + j) * rv * (one - rv)
                store(dr, dx + j); store(dr, dhh + j)
                store(dz, dx + H + j); store(dz, dhh + H + j)
                store(dn, dx + 2 * H + j); store(dn * rv, dhh + 2 * H + j)
                store(dhv * zv, dPrev + j)
                j += 16
            }
            while j < H {
                let dn = dh[j] * (1 - z[j]) * (1 - n[j] * n[j])
                let dz = dh[j] * (hPrev[j] - n[j]) * z[j] * (1 - z[j])
                let dr = dn * hn[j] * r[j] * (1 - r[j])
                dx[j] = dr; dhh[j] = dr
                dx[H + j] = dz; dhh[H + j] = dz
                dx[2 * H + j] = dn; dhh[2 * H + j] = dn * r[j]
                dPrev[j] = dh[j] * z[j]
                j += 1
            }
        }
    }
}
