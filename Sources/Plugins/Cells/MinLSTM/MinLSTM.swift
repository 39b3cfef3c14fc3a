import RecurKit

/// minLSTM (Feng, Tung, Ahmed, Bengio & Hajimirsadeghi 2024, "Were RNNs All We Needed?"), the
/// LSTM reduced like `mingru`: gates and candidate from the input only, forget and input gates
/// normalised to sum to one, no output gate:
///
///     f_t = σ(W_f x_t + b_f),   i_t = σ(W_i x_t + b_i),   h̃_t = W_h x_t + b_h
///     f'_t = f_t / (f_t + i_t),  i'_t = i_t / (f_t + i_t)
///     h_t = f'_t ⊙ h_{t−1} + i'_t ⊙ h̃_t
///
/// Linear in h, so the recurrence could run as a parallel scan; here it runs step by step.
///
/// Shapes: x_t `[B, X]`, h `[B, H]`; `weight_ih` `[3H, X]` and `bias_ih` `[3H]` (rows f, i, h̃),
/// uniform ±1/√H.
public final class MinLSTM: Cell {
    let weightIH: Variable, biasIH: Variable

    public init(_ config: CellConfig, rng: inout RandomGenerator) {
        let (x, h) = (config.inputSize, config.hiddenSize)
        let bound = 1 / Float(h).squareRoot()
        weightIH = parameter(rng.uniformTensor([3 * h, x], -bound, bound), "weight_ih")
        biasIH = parameter(rng.uniformTensor([3 * h], -bound, bound), "bias_ih")
    }

    public var inputSize: Int { weightIH.shape[1] }
    public var hiddenSize: Int { weightIH.shape[0] / 3 }
    public var stateSizes: [Int] { [hiddenSize] }
    public var namedParameters: [NamedParameter] { [("weight_ih", weightIH), ("bias_ih", biasIH)] }

    public func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
        let H = hiddenSize
        let z = (matmul(x, weightIH, transposeB: true) + biasIH).split(sizes: [H, H, H])
        let f = z[0].sigmoid(), i = z[1].sigmoid()
        let total = f + i
        let h = (f / total) * state[0] + (i / total) * z[2]
        return (h, [h])
    }
}

/// Registration of the `minlstm` cell.
public enum MinLSTMPlugin {
    public static let descriptor = CellDescriptor(
        name: "minlstm", summary: "minimal LSTM: h = f'⊙h + i'⊙(W_h x), gates from x only (Feng et al. 2024)",
        version: "1.0.0") { config, rng in
        MinLSTM(config, rng: &rng)
    }
}
