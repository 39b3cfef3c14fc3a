import RecurKit

/// Long short-term memory, as `nn.LSTM` (gate order i, f, g, o):
///
///     [i f g o] = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh
///     i, f, o = σ(·),  g = tanh(·)
///     c_t = f ⊙ c_{t−1} + i ⊙ g,    h_t = o ⊙ tanh(c_t)
///
/// The additive path through c is why its gradients survive long distances. Shapes: x_t `[B, X]`,
/// state (h, c) each `[B, H]`; `weight_ih` `[4H, X]`, `weight_hh` `[4H, H]`, biases `[4H]`,
/// uniform in ±1/√H.
public final class LSTM: Cell {
    public let weights: GatedWeights

    public init(_ config: CellConfig, rng: inout RandomGenerator) throws {
        weights = GatedWeights(gates: 4, inputSize: config.inputSize, hiddenSize: config.hiddenSize, rng: &rng)
    }

    public var inputSize: Int { weights.weightIH.shape[1] }
    public var hiddenSize: Int { weights.weightHH.shape[1] }
    public var stateSizes: [Int] { [hiddenSize, hiddenSize] }
    public var namedParameters: [NamedParameter] { weights.named }

    public func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
        let H = hiddenSize
        let gates = (weights.inputProjection(x) + weights.hiddenProjection(state[0])).split(sizes: [H, H, H, H])
        let c = gates[1].sigmoid() * state[1] + gates[0].sigmoid() * gates[2].tanh()
        let h = gates[3].sigmoid() * c.tanh()
        return (h, [h, c])
    }

    public var fusedPath: (any FusedSequencePath)? { weights.fused(LSTMKernel()) }
}

/// Registration of the `lstm` cell.
public enum LSTMPlugin {
    public static let descriptor = CellDescriptor(
        name: "lstm", summary: "Long short-term memory, gates i,f,g,o (nn.LSTM)", version: "1.0.0",
        hasFusedKernel: true) { config, rng in
        try LSTM(config, rng: &rng)
    }
}
