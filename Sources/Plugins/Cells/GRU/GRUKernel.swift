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
            Kernels.gruCandidate(x + 2 * H, r: r, hn: hn, into: hh + 2 * H, count: H)
            Kernels.tanh(hh + 2 * H, into: n, count: H)
            Kernels.gruBlend(z: z, n: n, previous: previous[0] + row * H, into: next[0] + row * H, count: H)
        }
    }

    func backward(rows: Int, hidden H: Int, cache: UnsafePointer<Float>, previous: [UnsafePointer<Float>],
                  gradNext: [UnsafePointer<Float>], gradGx: UnsafeMutablePointer<Float>,
                  gradGh: UnsafeMutablePointer<Float>, gradPrevious: [UnsafeMutablePointer<Float>]) {
        Kernels.gruGatesBackward(rows: rows, hidden: H, cache: cache, previous: previous[0], gradH: gradNext[0],
                                 gradGx: gradGx, gradGh: gradGh, gradPrevious: gradPrevious[0])
    }
}
