import Foundation

/// How a nonlinearity's derivative follows from its input x and output y. The backward loop
/// switches once, outside the loop, so each case is a plain loop the compiler vectorises (a
/// closure called per element cost about 3×).
private enum Derivative {
    case tanh      // 1 − y²
    case sigmoid   // y (1 − y)
    case exp       // y
    case relu      // [x > 0]
    case log       // 1 / x
}

/// Element-wise nonlinearities. Each backward uses the forward's output where the derivative
/// allows it, so nothing is recomputed.
private func unary(_ a: Variable, _ label: String,
                   forward: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
                   derivative: Derivative) -> Variable {
    let x = a.value
    let y = Tensor.make(x.shape) { o in x.withPointer { forward($0, o, x.count) } }
    return Variable.result(y, [a], label) { g in
        let n = g.count
        g.withPointer { pg in x.withPointer { px in y.withPointer { py in
            a.accumulateGrad { ga in
                switch derivative {
                case .tanh: for i in 0..<n { ga[i] += pg[i] * (1 - py[i] * py[i]) }
                case .sigmoid: for i in 0..<n { ga[i] += pg[i] * py[i] * (1 - py[i]) }
                case .exp: for i in 0..<n { ga[i] += pg[i] * py[i] }
                case .relu:
                    // Both loads before the select: a load under the condition kept the loop scalar and branchy.
                    for i in 0..<n { let gi = pg[i], xi = px[i]; ga[i] += xi > 0 ? gi : 0 }
                case .log: for i in 0..<n { ga[i] += pg[i] / px[i] }
                }
            }
        } } }
    }
}

extension Variable {
    /// tanh(x), vectorised rational approximation (max abs error < 1e-6).
    public func tanh() -> Variable {
        OpTrace.note(.tanh, self, unary(self, "tanh", forward: { Kernels.tanh($0, into: $1, count: $2) }, derivative: .tanh))
    }

    /// σ(x) = 1 / (1 + e^−x).
    public func sigmoid() -> Variable {
        OpTrace.note(.sigmoid, self, unary(self, "sigmoid", forward: { Kernels.sigmoid($0, into: $1, count: $2) }, derivative: .sigmoid))
    }

    /// max(x, 0); the derivative at 0 is taken as 0, like PyTorch.
    public func relu() -> Variable {
        OpTrace.note(.relu, self, unary(self, "relu", forward: { src, dst, n in for i in 0..<n { dst[i] = Swift.max(src[i], 0) } },
                                        derivative: .relu))
    }

    /// e^x.
    public func exp() -> Variable {
        OpTrace.note(.exp, self, unary(self, "exp", forward: { Kernels.exp($0, into: $1, count: $2) }, derivative: .exp))
    }

    /// ln x (x > 0).
    public func log() -> Variable {
        OpTrace.note(.log, self, unary(self, "log", forward: { src, dst, n in for i in 0..<n { dst[i] = Foundation.log(src[i]) } },
                                       derivative: .log))
    }
}
