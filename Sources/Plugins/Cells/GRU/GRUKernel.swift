import RecurKit

/// Fused GRU step. Cache per row: r, z, n, W_hn h + b_hn (4H) — the last is needed because r
/// multiplies it inside the tanh.
struct GRUKernel: GateKernel {
    var gateCount: Int { 3 }
    var stateCount: Int { 1 }
    var cacheWidth: Int { 4 }

    func forward(rows: Int, hidden H: Int, gx: UnsafePointer<Float>, gh: UnsafeMutablePointer<Float>,
                 previous: [UnsafePointer<Float>], next: [UnsafeMutablePointer<Float>], cache: UnsafeMutablePointer<Float>) {
        for row in 0..<rows {
            let x = gx + row * 3 * H, hh = gh + row * 3 * H, act = cache + row * 4 * H
            let r = act, z = act + H, n = act + 2 * H, hn = act + 3 * H
            hn.update(from: hh + 2 * H, count: H)
            Kernels.sigmoidOfSum(x, hh, into: r, count: 2 * H)
            for j in 0..<H { hh[2 * H + j] = x[2 * H + j] + r[j] * hn[j] }
            Kernels.tanh(hh + 2 * H, into: n, count: H)
            let hPrev = previous[0] + row * H, h = next[0] + row * H
            for j in 0..<H { h[j] = (1 - z[j]) * n[j] + z[j] * hPrev[j] }
        }
    }

    func backward(rows: Int, hidden H: Int, cache: UnsafePointer<Float>, previous: [UnsafePointer<Float>],
                  gradNext: [UnsafePointer<Float>], gradGx: UnsafeMutablePointer<Float>,
                  gradGh: UnsafeMutablePointer<Float>, gradPrevious: [UnsafeMutablePointer<Float>]) {
        for row in 0..<rows {
            let act = cache + row * 4 * H
            let r = act, z = act + H, n = act + 2 * H, hn = act + 3 * H
            let dh = gradNext[0] + row * H, hPrev = previous[0] + row * H
            let dx = gradGx + row * 3 * H, dhh = gradGh + row * 3 * H, dPrev = gradPrevious[0] + row * H
            for j in 0..<H {
                let dn = dh[j] * (1 - z[j]) * (1 - n[j] * n[j])
                let dz = dh[j] * (hPrev[j] - n[j]) * z[j] * (1 - z[j])
                let dr = dn * hn[j] * r[j] * (1 - r[j])
                dx[j] = dr; dhh[j] = dr
                dx[H + j] = dz; dhh[H + j] = dz
                dx[2 * H + j] = dn; dhh[2 * H + j] = dn * r[j]
                dPrev[j] = dh[j] * z[j]
            }
        }
    }
}
