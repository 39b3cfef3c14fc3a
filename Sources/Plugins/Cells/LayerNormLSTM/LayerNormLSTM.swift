import RecurKit

/// Layer-normalised LSTM (Ba, Kiros & Hinton 2016, "Layer Normalization", §6): the input and
/// recurrent pre-activations are normalised separately, and so is the cell before its tanh:
///
///     [i f g o] = LN(W_ih x_t; γ_ih, β_ih) + LN(W_hh h_{t−1}; γ_hh, β_hh) + b
///     c_t = σ(f) ⊙ c_{t−1} + σ(i) ⊙ tanh(g)
///     h_t = σ(o) ⊙ tanh(LN(c_t; γ_c, β_c))
///
/// LN normalises each row over all 4H pre-activations (H for the cell). Normalising makes the
/// step's statistics independent of the scale of h, which steadies long unrolls.
///
/// Shapes: x_t `[B, X]`, state (h, c) `[B, H]` each; `weight_ih` `[4H, X]`, `weight_hh`
/// `[4H, H]` (uniform ±1/√H), `bias` `[4H]` (zeros, plus `forget_bias` on f), `ln_ih.weight`,
/// `ln_hh.weight` `[4H]` and `ln_c.weight` `[H]` (ones), `ln_*.bias` (zeros).
public final class LayerNormLSTM: Cell {
    let weightIH: Variable, weightHH: Variable, bias: Variable
    let gainIH: Variable, shiftIH: Variable, gainHH: Variable, shiftHH: Variable, gainC: Variable, shiftC: Variable

    public init(_ config: CellConfig, options: LSTMFamilyOptions = .init(), rng: inout RandomGenerator) {
        let (x, h) = (config.inputSize, config.hiddenSize)
        let bound = 1 / Float(h).squareRoot()
        weightIH = parameter(rng.uniformTensor([4 * h, x], -bound, bound), "weight_ih")
        weightHH = parameter(rng.uniformTensor([4 * h, h], -bound, bound), "weight_hh")
        bias = parameter(Tensor(zeros: [4 * h]), "bias")
        gainIH = parameter(Tensor(shape: [4 * h], scalars: Array(repeating: 1, count: 4 * h)), "ln_ih.weight")
        shiftIH = parameter(Tensor(zeros: [4 * h]), "ln_ih.bias")
        gainHH = parameter(Tensor(shape: [4 * h], scalars: Array(repeating: 1, count: 4 * h)), "ln_hh.weight")
        shiftHH = parameter(Tensor(zeros: [4 * h]), "ln_hh.bias")
        gainC = parameter(Tensor(shape: [h], scalars: Array(repeating: 1, count: h)), "ln_c.weight")
        shiftC = parameter(Tensor(zeros: [h]), "ln_c.bias")
        initialiseLSTMFamily(options, weightHH: weightHH, biasIH: bias, biasHH: nil, forget: 1, input: 0, rng: &rng)
    }

    public var inputSize: Int { weightIH.shape[1] }
    public var hiddenSize: Int { weightHH.shape[1] }
    public var stateSizes: [Int] { [hiddenSize, hiddenSize] }
    public var namedParameters: [NamedParameter] {
        [("weight_ih", weightIH), ("weight_hh", weightHH), ("bias", bias), ("ln_ih.weight", gainIH), ("ln_ih.bias", shiftIH),
         ("ln_hh.weight", gainHH), ("ln_hh.bias", shiftHH), ("ln_c.weight", gainC), ("ln_c.bias", shiftC)]
    }

    public func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
        let H = hiddenSize
        let fromInput = layerNorm(matmul(x, weightIH, transposeB: true)) * gainIH + shiftIH
        let fromHidden = layerNorm(matmul(state[0], weightHH, transposeB: true)) * gainHH + shiftHH
        let z = (fromInput + fromHidden + bias).split(sizes: [H, H, H, H])
        let c = z[1].sigmoid() * state[1] + z[0].sigmoid() * z[2].tanh()
        let h = z[3].sigmoid() * (layerNorm(c) * gainC + shiftC).tanh()
        return (h, [h, c])
    }
}

/// Registration of the `lnlstm` cell.
public enum LayerNormLSTMPlugin {
    public static let descriptor = CellDescriptor(
        name: "lnlstm", summary: "Layer-normalised LSTM (Ba et al. 2016)", version: "1.0.0",
        options: LSTMFamilyOptions.self) { config, options, rng in
        LayerNormLSTM(config, options: options, rng: &rng)
    }
}
