/// Stochastic gradient descent, with PyTorch's momentum: `buf = μ·buf + g` (buf = g at the first
/// step), `p ← p − lr·buf`.
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    private var buffers = Buffers()

    public init(learningRate: Float, momentum: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    public func step(_ parameters: [NamedParameter]) {
        for (name, p) in parameters {
            guard let g = p.grad else { continue }
            let n = g.count, lr = learningRate, mu = momentum
            g.withPointer { pg in
                if mu == 0 {
                    p.updateValue { w in for i in 0..<n { w[i] -= lr * pg[i] } }
                    return
                }
                let first = !buffers.contains("momentum", name)
                let box = buffers.box("momentum", name, shape: g.shape)
                box.tensor.withMutablePointer { buf in
                    for i in 0..<n { buf[i] = first ? pg[i] : mu * buf[i] + pg[i] }
                    p.updateValue { w in for i in 0..<n { w[i] -= lr * buf[i] } }
                }
            }
        }
    }

    public var state: [String: Tensor] { buffers.tensors }
    public func load(state: [String: Tensor], parameters: [NamedParameter]) throws {
        try buffers.load(state, kinds: ["momentum"], parameters: parameters, optimizer: "SGD")
    }
}
