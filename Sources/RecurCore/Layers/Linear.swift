import Foundation

/// y = x·Wᵀ + b, with W `[out, in]` and b `[out]` as in `nn.Linear`.
///
/// Input `[N, in]` or `[T, B, in]` (the leading axes are flattened for one matrix product).
/// Initialisation as PyTorch: W and b uniform in ±1/√in.
public final class Linear: ParameterOwner {
    public let weight: Variable
    public let bias: Variable?

    public init(inputSize: Int, outputSize: Int, bias hasBias: Bool = true, rng: inout RandomGenerator) {
        let bound = 1 / Float(inputSize).squareRoot()
        weight = parameter(rng.uniformTensor([outputSize, inputSize], -bound, bound), "weight")
        bias = hasBias ? parameter(rng.uniformTensor([outputSize], -bound, bound), "bias") : nil
    }

    public var inputSize: Int { weight.shape[1] }
    public var outputSize: Int { weight.shape[0] }

    public var namedParameters: [NamedParameter] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        let leading = Array(x.shape.dropLast())
        let flat = x.value.rank == 2 ? x : x.reshaped([leading.reduce(1, *), inputSize])
        var y = matmul(flat, weight, transposeB: true)
        if let bias { y = y + bias }
        return x.value.rank == 2 ? y : y.reshaped(leading + [outputSize])
    }
}

/// A `[V, D]` lookup table as in `nn.Embedding`, initialised N(0, 1).
public final class Embedding: ParameterOwner {
    public let weight: Variable

    public init(vocabularySize: Int, width: Int, rng: inout RandomGenerator) {
        weight = parameter(rng.normalTensor([vocabularySize, width]), "weight")
    }

    public var namedParameters: [NamedParameter] { [("weight", weight)] }

    /// ids of any shape → `shape + [D]`.
    public func callAsFunction(_ ids: [Int32], shape: [Int]) -> Variable {
        embedding(weight, ids: ids, shape: shape)
    }

    /// The lookup with embedding dropout when `training` (Gal & Ghahramani 2016; AWD-LSTM's
    /// `embedded_dropout`): each table row is dropped with probability `dropout` for the whole
    /// batch — every occurrence of that token becomes zero — and kept rows are scaled by
    /// 1/(1 − dropout). Draws one number per row from `rng`, only when it drops anything.
    public func callAsFunction(_ ids: [Int32], shape: [Int], dropout p: Float, training: Bool,
                               rng: inout RandomGenerator) -> Variable {
        guard training && p > 0 else { return embedding(weight, ids: ids, shape: shape) }
        let keep = 1 / (1 - p)
        let scale = (0..<weight.shape[0]).map { _ in rng.nextUnit() < p ? 0 : keep }
        return embedding(weight, ids: ids, shape: shape, rowScale: scale)
    }
}
