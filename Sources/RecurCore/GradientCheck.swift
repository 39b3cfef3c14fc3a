/// Finite-difference check of reverse-mode gradients.
///
/// The loss is `L = Σ f(inputs) ⊙ R` for a fixed random projection `R`, so every output element
/// matters. Numeric derivatives are central differences `(L(x+ε) − L(x−ε)) / 2ε`, with L summed in
/// Double to keep float32 rounding out of the quotient. A derivative passes when
/// `|analytic − numeric| ≤ atol + rtol · |numeric|`.
public struct GradientCheck {
    public var epsilon: Float = 1e-3
    public var rtol: Float = 2e-2
    public var atol: Float = 2e-3

    public init(epsilon: Float = 1e-3, rtol: Float = 2e-2, atol: Float = 2e-3) {
        self.epsilon = epsilon
        self.rtol = rtol
        self.atol = atol
    }

    /// The worst mismatch found, per input.
    public struct Report: CustomStringConvertible {
        public var worst: [(input: String, index: Int, analytic: Float, numeric: Float)] = []
        public var passed: Bool
        public var description: String {
            worst.map { "\($0.input)[\($0.index)]: analytic \($0.analytic) numeric \($0.numeric)" }.joined(separator: "; ")
        }
    }

    /// Checks ∂L/∂input for every named input (leaves with `requiresGrad`), probing at most
    /// `maxProbes` elements of each, spread evenly.
    public func run(inputs: [NamedParameter], maxProbes: Int = 40, seed: UInt64 = 7,
                    _ f: () -> Variable) -> Report {
        for (_, v) in inputs { v.zeroGrad() }
        let output = f()
        var rng = RandomGenerator(seed: seed)
        let projection = rng.uniformTensor(output.shape, -1, 1)
        (output * Variable(projection)).sum().backward()
        func loss() -> Double {
            let y = GradMode.withNoGrad { f() }.value
            var total: Double = 0
            for i in 0..<y.count { total += Double(y.scalars[i]) * Double(projection.scalars[i]) }
            return total
        }
        var report = Report(passed: true)
        for (name, v) in inputs {
            let analytic = v.grad ?? Tensor(zeros: v.shape)
            let n = v.value.count
            let step = max(1, n / maxProbes)
            var worstExcess: Float = -.infinity
            var worstEntry: (String, Int, Float, Float)?
            for i in stride(from: 0, to: n, by: step) {
                let original = v.value.scalars[i]
                v.updateValue { $0[i] = original + epsilon }
                let up = loss()
                v.updateValue { $0[i] = original - epsilon }
                let down = loss()
                v.updateValue { $0[i] = original }
                let numeric = Float((up - down) / (2 * Double(epsilon)))
                let a = analytic.scalars[i]
                let excess = abs(a - numeric) - (atol + rtol * abs(numeric))
                if excess > worstExcess { worstExcess = excess; worstEntry = (name, i, a, numeric) }
            }
            if let e = worstEntry {
                report.worst.append((e.0, e.1, e.2, e.3))
                if worstExcess > 0 { report.passed = false }
            }
        }
        return report
    }
}
