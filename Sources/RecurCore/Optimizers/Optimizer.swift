import Foundation

/// Updates parameters from their accumulated gradients.
///
/// State is a flat map of named tensors (`exp_avg.rnn.weight_ih_l0`, `step`), so it is saved to
/// and restored from safetensors with the weights.
public protocol Optimizer: AnyObject {
    var learningRate: Float { get set }
    /// One update of every parameter that has a gradient.
    func step(_ parameters: [NamedParameter])
    var state: [String: Tensor] { get }
    /// Replaces the state with `state`, refusing any buffer that is not one of this optimizer's
    /// kinds for one of `parameters` with that parameter's shape: a step writes through the
    /// buffers unchecked, so a mismatch would corrupt memory.
    func load(state: [String: Tensor], parameters: [NamedParameter]) throws
}

/// The optimizers `--optimizer` names.
public enum OptimizerKind: String, CaseIterable, Codable, Sendable {
    case sgd, adam, adagrad

    public func make(learningRate: Float, momentum: Float = 0) -> any Optimizer {
        switch self {
        case .sgd: SGD(learningRate: learningRate, momentum: momentum)
        case .adam: Adam(learningRate: learningRate)
        case .adagrad: Adagrad(learningRate: learningRate)
        }
    }
}

/// Scales all gradients together so their global L2 norm is at most `maxNorm`
/// (PyTorch's `clip_grad_norm_`: factor maxNorm/(norm + 1e-6), applied only when below 1).
/// Returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [NamedParameter], maxNorm: Float) -> Float {
    var total: Double = 0
    for (_, p) in parameters { if let g = p.grad { total += g.withPointer { Kernels.sumOfSquares($0, count: g.count) } } }
    let norm = Float(total.squareRoot())
    let factor = maxNorm / (norm + 1e-6)
    if factor < 1 {
        for (_, p) in parameters where p.grad != nil {
            let n = p.grad!.count
            p.grad!.withMutablePointer { g in for i in 0..<n { g[i] *= factor } }
        }
    }
    return norm
}

/// Decoupled weight decay (Loshchilov & Hutter's AdamW, as `torch.optim.AdamW` applies it):
/// `w ← w · (1 − rate)` for every parameter that has a gradient, with `rate = lr · λ`, before
/// the optimizer's own update. Unlike an L2 term in the loss, Adam's scaling never touches it.
public func decayWeights(_ parameters: [NamedParameter], by rate: Float) {
    let keep = 1 - rate
    for (_, p) in parameters where p.grad != nil {
        let n = p.value.count
        p.updateValue { w in for i in 0..<n { w[i] *= keep } }
    }
}

/// Global L2 norm of all gradients.
public func gradientNorm(_ parameters: [NamedParameter]) -> Float {
    var total: Double = 0
    for (_, p) in parameters { if let g = p.grad { total += g.withPointer { Kernels.sumOfSquares($0, count: g.count) } } }
    return Float(total.squareRoot())
}

/// Optimizer state that does not fit the model it is loaded into.
public enum OptimizerStateError: Error, CustomStringConvertible {
    case malformed(String)
    public var description: String { switch self { case .malformed(let m): "optimizer state: \(m)" } }
}

/// Per-parameter buffers keyed `kind.name`, created as zeros on first use. Each buffer is a box,
/// so an update can hold two of them (Adam's m and v) at once.
struct Buffers {
    final class Box { var tensor: Tensor; init(_ t: Tensor) { tensor = t } }
    private var boxes: [String: Box] = [:]

    func contains(_ kind: String, _ name: String) -> Bool { boxes["\(kind).\(name)"] != nil }

    mutating func box(_ kind: String, _ name: String, shape: [Int]) -> Box {
        let key = "\(kind).\(name)"
        if let b = boxes[key] { return b }
        let b = Box(Tensor(zeros: shape))
        boxes[key] = b
        return b
    }

    var tensors: [String: Tensor] {
        get { boxes.mapValues(\.tensor) }
        set { boxes = newValue.mapValues(Box.init) }
    }

    /// Takes `state` as the buffers after checking every key is `kind.parameter` for one of
    /// `kinds` and a parameter of exactly that shape; nothing is replaced when one is not.
    mutating func load(_ state: [String: Tensor], kinds: [String], parameters: [NamedParameter], optimizer: String) throws {
        let shapes = Dictionary(parameters.map { ($0.name, $0.variable.value.shape) }, uniquingKeysWith: { a, _ in a })
        for key in state.keys.sorted() {
            let tensor = state[key]!
            guard let kind = kinds.first(where: { key.hasPrefix("\($0).") }) else {
                throw OptimizerStateError.malformed("'\(key)' is not \(optimizer) state (expected \(kinds.map { "\($0).<parameter>" }.joined(separator: " or ")))")
            }
            let name = String(key.dropFirst(kind.count + 1))
            guard let shape = shapes[name] else {
                throw OptimizerStateError.malformed("'\(key)' names no parameter of this model")
            }
            guard tensor.shape == shape else {
                throw OptimizerStateError.malformed("'\(key)' has shape \(tensor.shape); parameter '\(name)' has shape \(shape)")
            }
        }
        tensors = state
    }
}
