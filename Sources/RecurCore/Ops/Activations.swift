import Foundation

/// Element-wise nonlinearities. Each backward uses the forward's output where the derivative
/// allows it (tanh' = 1 − y², σ' = y(1 − y), exp' = y), so nothing is recomputed.
private func unary(_ a: Variable, _ label: String,
                   forward: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
                   derivative: @escaping (_ x: Float, _ y: Float) -> Float) -> Variable {
    let x = a.value
    let y = Tensor.make(x.shape) { o in x.withPointer { forward($0, o, x.count) } }
    return Variable.result(y, [a], label) { g in
        g.withPointer { pg in x.withPointer { px in y.withPointer { py in
            a.accumulateGrad { ga in
                for i in 0..<g.count { ga[i] += pg[i] * derivative(px[i], py[i]) }
            }
        } } }
    }
}

extension Variable {
    /// tanh(x), vectorised rational approximation (max abs error < 1e-6).
    public func tanh() -> Variable {
        unary(self, "tanh", forward: { Kernels.tanh($0, into: $1, count: $2) }, derivative: { _, y in 1 - y * y })
    }

    /// σ(x) = 1 / (1 + e^−x).
    public func sigmoid() -> Variable {
        unary(self, "sigmoid", forward: { Kernels.sigmoid($0, into: $1, count: $2) }, derivative: { _, y in y * (1 - y) })
    }

    /// max(x, 0); the derivative at 0 is taken as 0, like PyTorch.
    public func relu() -> Variable {
        unary(self, "relu", forward: { src, dst, n in for i in 0..<n { dst[i] = Swift.max(src[i], 0) } },
              derivative: { x, _ in x > 0 ? 1 : 0 })
    }

    /// e^x.
    public func exp() -> Variable {
        unary(self, "exp", forward: { Kernels.exp($0, into: $1, count: $2) }, derivative: { _, y in y })
    }

    /// ln x (x > 0).
    public func log() -> Variable {
        unary(self, "log", forward: { src, dst, n in for i in 0..<n { dst[i] = Foundation.log(src[i]) } },
              derivative: { x, _ in 1 / x })
    }
}
