import RecurKit

/// Fused step of the Elman RNN. Cache: h (φ' is 1 − h² for tanh, [h > 0] for relu).
struct RNNKernel: GateKernel {
    let nonlinearity: VanillaRNN.Nonlinearity
    var gateCount: Int { 1 }
    var stateCount: Int { 1 }
    var cacheWidth: Int { 1 }
    var gradientsOfGxAndGhAgree: Bool { true }
    /// None: h₋₁ reaches the step only through W_hh.
    func readsPrevious(_ s: Int) -> Bool { false }

    func forward(rows: Int, hidden: Int, gx: UnsafePointer<Float>, gh: UnsafeMutablePointer<Float>,
                 previous: [UnsafePointer<Float>], next: [UnsafeMutablePointer<Float>], cache: UnsafeMutablePointer<Float>) {
        let n = rows * hidden
        switch nonlinearity {
        case .tanh: Kernels.tanhOfSum(gx, gh, into: next[0], count: n)
        case .relu:
            Kernels.add(gx, gh, into: gh, count: n)
            for i in 0..<n { next[0][i] = max(gh[i], 0) }
        }
        cache.update(from: next[0], count: n)
    }

    func backward(rows: Int, hidden: Int, cache: UnsafePointer<Float>, previous: [UnsafePointer<Float>],
                  gradNext: [UnsafePointer<Float>], gradGx: UnsafeMutablePointer<Float>,
                  gradGh: UnsafeMutablePointer<Float>, gradPrevious: [UnsafeMutablePointer<Float>]) {
        let n = rows * hidden, dh = gradNext[0]
        switch nonlinearity {
        case .tanh: for i in 0..<n { gradGx[i] = dh[i] * (1 - cache[i] * cache[i]) }
        case .relu: for i in 0..<n { gradGx[i] = cache[i] > 0 ? dh[i] : 0 }
        }
        if gradGh != gradGx { gradGh.update(from: gradGx, count: n) }
        gradPrevious[0].update(repeating: 0, count: n)
    }
}
