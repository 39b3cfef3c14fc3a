import RecurKit

/// Fused LSTM step. Cache per row: i, f, g, o, tanh(c) (5H).
struct LSTMKernel: GateKernel {
    var gateCount: Int { 4 }
    var stateCount: Int { 2 }
    var cacheWidth: Int { 5 }
    var gradientsOfGxAndGhAgree: Bool { true }

    func forward(rows: Int, hidden H: Int, gx: UnsafePointer<Float>, gh: UnsafeMutablePointer<Float>,
                 previous: [UnsafePointer<Float>], next: [UnsafeMutablePointer<Float>], cache: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let pre = gh + r * 4 * H, act = cache + r * 5 * H
            Kernels.add(gx + r * 4 * H, pre, into: pre, count: 4 * H)
            Kernels.sigmoid(pre, into: act, count: 2 * H)
            Kernels.tanh(pre + 2 * H, into: act + 2 * H, count: H)
            Kernels.sigmoid(pre + 3 * H, into: act + 3 * H, count: H)
            let i = act, f = act + H, g = act + 2 * H, o = act + 3 * H, tanhC = act + 4 * H
            let cPrev = previous[1] + r * H, c = next[1] + r * H, h = next[0] + r * H
            for j in 0..<H { c[j] = f[j] * cPrev[j] + i[j] * g[j] }
            Kernels.tanh(c, into: tanhC, count: H)
            for j in 0..<H { h[j] = o[j] * tanhC[j] }
        }
    }

    func backward(rows: Int, hidden H: Int, cache: UnsafePointer<Float>, previous: [UnsafePointer<Float>],
                  gradNext: [UnsafePointer<Float>], gradGx: UnsafeMutablePointer<Float>,
                  gradGh: UnsafeMutablePointer<Float>, gradPrevious: [UnsafeMutablePointer<Float>]) {
        typealias V = SIMD16<Float>
        // Explicit 16-lane vectors: with nine pointer streams LLVM would not prove them disjoint
        // and left this loop scalar (7 ns per element, 8% of an LSTM training step).
        @inline(__always) func load(_ p: UnsafePointer<Float>, _ j: Int) -> V { UnsafeRawPointer(p + j).loadUnaligned(as: V.self) }
        @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<Float>, _ j: Int) { UnsafeMutableRawPointer(p + j).storeBytes(of: v, as: V.self) }
        let one = V(repeating: 1)
        for r in 0..<rows {
            let act = cache + r * 5 * H
            let i = act, f = act + H, g = act + 2 * H, o = act + 3 * H, tanhC = act + 4 * H
            let dh = gradNext[0] + r * H, dcNext = gradNext[1] + r * H, cPrev = previous[1] + r * H
            let d = gradGx + r * 4 * H, dcPrev = gradPrevious[1] + r * H
            var j = 0
            while j + 16 <= H {
                let iv = load(i, j), fv = load(f, j), gv = load(g, j), ov = load(o, j), tc = load(tanhC, j), dhv = load(dh, j)
                let dc = load(dcNext, j) + dhv * ov * (one - tc * tc)
                store(dc * gv * iv * (one - iv), d, j)
                store(dc * load(cPrev, j) * fv * (one - fv), d + H, j)
                store(dc * iv * (one - gv * gv), d + 2 * H, j)
                store(dhv * tc * ov * (one - ov), d + 3 * H, j)
                store(dc * fv, dcPrev, j)
                j += 16
            }
            while j < H {
                let dc = dcNext[j] + dh[j] * o[j] * (1 - tanhC[j] * tanhC[j])
                d[j] = dc * g[j] * i[j] * (1 - i[j])
                d[H + j] = dc * cPrev[j] * f[j] * (1 - f[j])
                d[2 * H + j] = dc * i[j] * (1 - g[j] * g[j])
                d[3 * H + j] = dh[j] * tanhC[j] * o[j] * (1 - o[j])
                dcPrev[j] = dc * f[j]
                j += 1
            }
            (gradPrevious[0] + r * H).update(repeating: 0, count: H)
        }
        gradGh.update(from: gradGx, count: rows * 4 * H)
    }
}
