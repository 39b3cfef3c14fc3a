import RecurKit

/// Fused LSTM step (``Kernels/lstmGatesForward(rows:hidden:gx:gh:cPrevious:c:h:cache:)``, in the
/// CPU's widest build). Cache per row: i, f, g, o, tanh(c) (5H).
struct LSTMKernel: GateKernel {
    var gateCount: Int { 4 }
    var stateCount: Int { 2 }
    var cacheWidth: Int { 5 }
    var gradientsOfGxAndGhAgree: Bool { true }
    /// c₋₁ only: h₋₁ reaches the gates through W_hh.
    func readsPrevious(_ s: Int) -> Bool { s == 1 }

    func forward(rows: Int, hidden H: Int, gx: UnsafePointer<Float>, gh: UnsafeMutablePointer<Float>,
                 previous: [UnsafePointer<Float>], next: [UnsafeMutablePointer<Float>], cache: UnsafeMutablePointer<Float>) {
        Kernels.lstmGatesForward(rows: rows, hidden: H, gx: gx, gh: gh, cPrevious: previous[1], c: next[1], h: next[0], cache: cache)
    }

    func backward(rows: Int, hidden H: Int, cache: UnsafePointer<Float>, previous: [UnsafePointer<Float>],
                  gradNext: [UnsafePointer<Float>], gradGx: UnsafeMutablePointer<Float>,
                  gradGh: UnsafeMutablePointer<Float>, gradPrevious: [UnsafeMutablePointer<Float>]) {
        Kernels.lstmGatesBackward(rows: rows, hidden: H, cache: cache, cPrevious: previous[1], gradH: gradNext[0],
                                  gradC: gradNext[1], gradGates: gradGx, gradCPrevious: gradPrevious[1])
        // h₋₁ reaches the gates only through W_hh, whose product the caller adds.
        gradPrevious[0].update(repeating: 0, count: rows * H)
        if gradGh != gradGx { gradGh.update(from: gradGx, count: rows * 4 * H) }
    }
}
