/// Adagrad as PyTorch computes it: `s = s + g²`, `p ← p − lr · g / (√s + ε)`.
public final class Adagrad: Optimizer {
    public var learningRate: Float
    public let epsilon: Float
    private var buffers = Buffers()

    public init(learningRate: Float, epsilon: Float = 1e-10) {
        self.learningRate = learningRate
        self.epsilon = epsilon
    }

    public func step(_ parameters: [NamedParameter]) {
        let lr = learningRate, eps = epsilon
        for (name, p) in parameters {
            guard let g = p.grad else { continue }
            let n = g.count
            let sum = buffers.box("sum", name, shape: g.shape)
            g.withPointer { pg in sum.tensor.withMutablePointer { s in
                p.updateValue { w in
                    for i in 0..<n {
                        s[i] += pg[i] * pg[i]
                        w[i] -= lr * pg[i] / (s[i].squareRoot() + eps)
                    }
                }
            } }
        }
    }

    public var state: [String: Tensor] { buffers.tensors }
    public func load(state: [String: Tensor], parameters: [NamedParameter]) throws {
        try buffers.load(state, kinds: ["sum"], parameters: parameters, optimizer: "Adagrad")
    }
}
