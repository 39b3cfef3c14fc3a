import Foundation

/// Adam (Kingma & Ba) as PyTorch computes it:
/// `m = β₁m + (1−β₁)g`, `v = β₂v + (1−β₂)g²`, `p ← p − lr · m̂ / (√v̂ + ε)` with
/// `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`.
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float
    private var buffers = Buffers()
    private var stepCount = 0

    public init(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public func step(_ parameters: [NamedParameter]) {
        stepCount += 1
        let b1 = beta1, b2 = beta2, eps = epsilon
        let correction1 = 1 - Float(pow(Double(b1), Double(stepCount)))
        let correction2 = 1 - Float(pow(Double(b2), Double(stepCount)))
        let stepSize = learningRate / correction1
        let root2 = correction2.squareRoot()
        for (name, p) in parameters {
            guard let g = p.grad else { continue }
            let n = g.count
            let first = buffers.box("exp_avg", name, shape: g.shape)
            let second = buffers.box("exp_avg_sq", name, shape: g.shape)
            g.withPointer { pg in first.tensor.withMutablePointer { m in second.tensor.withMutablePointer { v in
                p.updateValue { w in
                    WorkerTeam.shared.share(n, minimum: elementwiseShare) { part in
                        let i = part.lowerBound
                        Kernels.adam(gradient: pg + i, m: m + i, v: v + i, weight: w + i, count: part.count,
                                     beta1: b1, beta2: b2, stepSize: stepSize, root2: root2, epsilon: eps)
                    }
                }
            } } }
        }
    }

    public var state: [String: Tensor] {
        var s = buffers.tensors
        s["step"] = Tensor(shape: [1], scalars: [Float(stepCount)])
        return s
    }

    public func load(state: [String: Tensor], parameters: [NamedParameter]) throws {
        guard let step = state["step"], step.count == 1 else { throw OptimizerStateError.malformed("Adam state has no step") }
        let count = step.scalars[0]
        // Float holds every integer up to 2²⁴ exactly; beyond it (or NaN, or a fraction) the
        // count was not written by Recur, and Int(_:) would trap on a non-finite one.
        guard count.isFinite, count >= 0, count <= 16_777_216, count == count.rounded() else {
            throw OptimizerStateError.malformed("Adam step \(count) is not a whole number from 0 to 16777216")
        }
        try buffers.load(state.filter { $0.key != "step" }, kinds: ["exp_avg", "exp_avg_sq"], parameters: parameters, optimizer: "Adam")
        stepCount = Int(count)
    }
}
