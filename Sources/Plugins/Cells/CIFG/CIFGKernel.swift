import RecurKit

/// Fused CIFG step (gate blocks f, g, o). Cache per row: f, g, o, tanh(c) (4H).
///
/// Backward, with dc = ∂c_t + ∂h_t ⊙ o ⊙ (1 − tanh²c):
/// ∂z_f = dc ⊙ (c_{t−1} − g) ⊙ f(1 − f),  ∂z_g = dc ⊙ (1 − f) ⊙ (1 − g²),
/// ∂z_o = ∂h_t ⊙ tanh c ⊙ o(1 − o),  ∂c_{t−1} = dc ⊙ f.
struct CIFGKernel: GateKernel {
    var gateCount: Int { 3 }
    var stateCount: Int { 2 }
    var cacheWidth: Int { 4 }
    var gradientsOfGxAndGhAgree: Bool { true }

    func forward(rows: Int, hidden H: Int, gx: UnsafePointer<Float>, gh: UnsafeMutablePointer<Float>,
                 previous: [UnsafePointer<Float>], next: [UnsafeMutablePointer<Float>], cache: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let pre = gh + r * 3 * H, act = cache + r * 4 * H
            Kernels.add(gx + r * 3 * H, pre, into: pre, count: 3 * H)
            Kernels.sigmoid(pre, into: act, count: H)
            Kernels.tanh(pre + H, into: act + H, count: H)
            Kernels.sigmoid(pre + 2 * H, into: act + 2 * H, count: H)
            let f = act, g = act + H, o = act + 2 * H, tanhC = act + 3 * H
            let cPrev = previous[1] + r * H, c = next[1] + r * H, h = next[0] + r * H
            for j in 0..<H { c[j] = f[j] * cPrev[j] + (1 - f[j]) * g[j] }
            Kernels.tanh(c, into: tanhC, count: H)
            for j in 0..<H { h[j] = o[j] * tanhC[j] }
        }
    }

    func backward(rows: Int, hidden H: Int, cache: UnsafePointer<Float>, previous: [UnsafePointer<Float>],
                  gradNext: [UnsafePointer<Float>], gradGx: UnsafeMutablePointer<Float>,
                  gradGh: UnsafeMutablePointer<Float>, gradPrevious: [UnsafeMutablePointer<Float>]) {
        for r in 0..<rows {
            let act = cache + r * 4 * H
            let f = act, g = act + H, o = act + 2 * H, tanhC = act + 3 * H
            let dh = gradNext[0] + r * H, dcNext = gradNext[1] + r * H, cPrev = previous[1] + r * H
            let d = gradGx + r * 3 * H, dcPrev = gradPrevious[1] + r * H
            for j in 0..<H {
                let dc = dcNext[j] + dh[j] * o[j] * (1 - tanhC[j] * tanhC[j])
                d[j] = dc * (cPrev[j] - g[j]) * f[j] * (1 - f[j])
                d[H + j] = dc * (1 - f[j]) * (1 - g[j] * g[j])
                d[2 * H + j] = dh[j] * tanhC[j] * o[j] * (1 - o[j])
                dcPrev[j] = dc * f[j]
            }
            (gradPrevious[0] + r * H).update(repeating: 0, count: H)
        }
        if gradGh != gradGx { gradGh.update(from: gradGx, count: rows * 3 * H) }
    }
}
