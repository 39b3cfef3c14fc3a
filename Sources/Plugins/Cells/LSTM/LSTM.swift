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
public final class LSTM: Cell, SignalProbing {
    public let weights: GatedWeights

    public init(_ config: CellConfig, options: LSTMFamilyOptions = .init(), rng: inout RandomGenerator) throws {
        weights = GatedWeights(gates: 4, inputSize: config.inputSize, hiddenSize: config.hiddenSize, rng: &rng)
        weights.initialise(options, forget: 1, input: 0, rng: &rng)
    }

    public var inputSize: Int { weights.weightIH.shape[1] }
    public var hiddenSize: Int { weights.weightHH.shape[1] }
    public var stateSizes: [Int] { [hiddenSize, hiddenSize] }
    public var namedParameters: [NamedParameter] { weights.named }

    public func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
        let (_, _, _, _, c, h) = gates(x, state: state)
        return (h, [h, c])
    }

    /// i, f, g, o, c_t, h_t of one step: the step itself, and what `recur states` shows.
    func gates(_ x: Variable, state: [Variable]) -> (Variable, Variable, Variable, Variable, Variable, Variable) {
        let H = hiddenSize
        let z = (weights.inputProjection(x) + weights.hiddenProjection(state[0])).split(sizes: [H, H, H, H])
        let (i, f, g, o) = (z[0].sigmoid(), z[1].sigmoid(), z[2].tanh(), z[3].sigmoid())
        let c = f * state[1] + i * g
        return (i, f, g, o, c, o * c.tanh())
    }

    public var fusedPath: (any FusedSequencePath)? { weights.fused(LSTMKernel()) }

    public var signalNames: [String] { ["i", "f", "g", "o", "c", "h"] }
    public var gateNames: Set<String> { ["i", "f", "o"] }

    public func signals(_ x: Variable, state: [Variable]) -> (signals: [Variable], state: [Variable]) {
        let (i, f, g, o, c, h) = gates(x, state: state)
        return ([i, f, g, o, c, h], [h, c])
    }
}

/// Registration of the `lstm` cell.
public enum LSTMPlugin {
    public static let descriptor = CellDescriptor(
        name: "lstm", summary: "Long short-term memory, gates i,f,g,o (nn.LSTM)", version: "1.0.0",
        options: LSTMFamilyOptions.self, hasFusedKernel: true) { config, options, rng in
        try LSTM(config, options: options, rng: &rng)
    }
}
