/// The four parameters of a PyTorch-style recurrent cell with G gate blocks:
/// `weight_ih` `[G·H, X]`, `weight_hh` `[G·H, H]`, `bias_ih` `[G·H]`, `bias_hh` `[G·H]`,
/// initialised uniform in ±1/√H as `nn.RNN`/`nn.LSTM`/`nn.GRU` do.
public struct GatedWeights {
    public let weightIH: Variable, weightHH: Variable, biasIH: Variable, biasHH: Variable

    public init(gates: Int, inputSize: Int, hiddenSize: Int, rng: inout RandomGenerator) {
        let bound = 1 / Float(hiddenSize).squareRoot()
        weightIH = parameter(rng.uniformTensor([gates * hiddenSize, inputSize], -bound, bound), "weight_ih")
        weightHH = parameter(rng.uniformTensor([gates * hiddenSize, hiddenSize], -bound, bound), "weight_hh")
        biasIH = parameter(rng.uniformTensor([gates * hiddenSize], -bound, bound), "bias_ih")
        biasHH = parameter(rng.uniformTensor([gates * hiddenSize], -bound, bound), "bias_hh")
    }

    public var named: [NamedParameter] {
        [("weight_ih", weightIH), ("weight_hh", weightHH), ("bias_ih", biasIH), ("bias_hh", biasHH)]
    }

    /// `x·W_ihᵀ + b_ih` for one step `[B, X]` → `[B, G·H]`.
    public func inputProjection(_ x: Variable) -> Variable { matmul(x, weightIH, transposeB: true) + biasIH }

    /// `h·W_hhᵀ + b_hh` for one step `[B, H]` → `[B, G·H]`.
    public func hiddenProjection(_ h: Variable) -> Variable { matmul(h, weightHH, transposeB: true) + biasHH }

    /// The fused whole-sequence path over these weights.
    public func fused<K: GateKernel>(_ kernel: K) -> FusedRecurrence<K> {
        FusedRecurrence(kernel: kernel, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH)
    }
}
