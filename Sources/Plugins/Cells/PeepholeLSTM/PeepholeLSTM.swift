import RecurKit

/// LSTM with peephole connections (Gers & Schmidhuber 2000, "Recurrent nets that time and
/// count"): the gates also see the cell, the input and forget gates the previous one, the
/// output gate the new one:
///
///     [z_i z_f z_g z_o] = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh
///     i = σ(z_i + w_ci ⊙ c_{t−1}),   f = σ(z_f + w_cf ⊙ c_{t−1}),   g = tanh(z_g)
///     c_t = f ⊙ c_{t−1} + i ⊙ g
///     o = σ(z_o + w_co ⊙ c_t),        h_t = o ⊙ tanh(c_t)
///
/// Shapes: x_t `[B, X]`, state (h, c) `[B, H]` each; `weight_ih` `[4H, X]`, `weight_hh`
/// `[4H, H]`, `bias_ih`, `bias_hh` `[4H]` as `nn.LSTM` (gate order i, f, g, o); the diagonal
/// peepholes `weight_ci`, `weight_cf`, `weight_co` `[H]`; all uniform ±1/√H.
public final class PeepholeLSTM: Cell {
    public let weights: GatedWeights
    let peepI: Variable, peepF: Variable, peepO: Variable

    public init(_ config: CellConfig, options: LSTMFamilyOptions = .init(), rng: inout RandomGenerator) {
        let h = config.hiddenSize, bound = 1 / Float(h).squareRoot()
        weights = GatedWeights(gates: 4, inputSize: config.inputSize, hiddenSize: h, rng: &rng)
        weights.initialise(options, forget: 1, input: 0, rng: &rng)
        peepI = parameter(rng.uniformTensor([h], -bound, bound), "weight_ci")
        peepF = parameter(rng.uniformTensor([h], -bound, bound), "weight_cf")
        peepO = parameter(rng.uniformTensor([h], -bound, bound), "weight_co")
    }

    public var inputSize: Int { weights.weightIH.shape[1] }
    public var hiddenSize: Int { weights.weightHH.shape[1] }
    public var stateSizes: [Int] { [hiddenSize, hiddenSize] }
    public var namedParameters: [NamedParameter] {
        weights.named + [("weight_ci", peepI), ("weight_cf", peepF), ("weight_co", peepO)]
    }

    public func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
        let H = hiddenSize, previous = state[1]
        let z = (weights.inputProjection(x) + weights.hiddenProjection(state[0])).split(sizes: [H, H, H, H])
        let i = (z[0] + previous * peepI).sigmoid(), f = (z[1] + previous * peepF).sigmoid()
        let c = f * previous + i * z[2].tanh()
        let h = (z[3] + c * peepO).sigmoid() * c.tanh()
        return (h, [h, c])
    }
}

/// Registration of the `peephole` cell.
public enum PeepholeLSTMPlugin {
    public static let descriptor = CellDescriptor(
        name: "peephole", summary: "LSTM with peephole connections (Gers & Schmidhuber 2000)", version: "1.0.0",
        options: LSTMFamilyOptions.self) { config, options, rng in
        PeepholeLSTM(config, options: options, rng: &rng)
    }
}
