import RecurKit

/// Gated recurrent unit, as `nn.GRU` (gate order r, z, n):
///
///     r = σ(W_ir x + b_ir + W_hr h + b_hr)
///     z = σ(W_iz x + b_iz + W_hz h + b_hz)
///     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
///     h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
///
/// Shapes: x_t `[B, X]`, h `[B, H]`; `weight_ih` `[3H, X]`, `weight_hh` `[3H, H]`, biases `[3H]`,
/// uniform in ±1/√H.
public final class GRU: Cell, SignalProbing {
    public let weights: GatedWeights

    public init(_ config: CellConfig, options: GRUOptions = .init(), rng: inout RandomGenerator) throws {
        weights = GatedWeights(gates: 3, inputSize: config.inputSize, hiddenSize: config.hiddenSize, rng: &rng)
        switch options.initialisation {
        case .default: break
        case .orthogonal: orthogonaliseRecurrentBlocks(weights.weightHH, rng: &rng)
        // z keeps h_{t−1} (h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}): it is the GRU's forget gate.
        case .chrono: chronoBiases(biasIH: weights.biasIH, biasHH: weights.biasHH, hidden: config.hiddenSize, forget: 1, input: nil,
                                   tMax: options.tMax, rng: &rng)
        }
    }

    public var inputSize: Int { weights.weightIH.shape[1] }
    public var hiddenSize: Int { weights.weightHH.shape[1] }
    public var stateSizes: [Int] { [hiddenSize] }
    public var namedParameters: [NamedParameter] { weights.named }

    public func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
        let (_, _, _, next) = gates(x, state: state)
        return (next, [next])
    }

    /// r, z, n, h_t of one step: the step itself, and what `recur states` shows.
    func gates(_ x: Variable, state: [Variable]) -> (Variable, Variable, Variable, Variable) {
        let H = hiddenSize, h = state[0]
        let fromInput = weights.inputProjection(x).split(sizes: [H, H, H])
        let fromHidden = weights.hiddenProjection(h).split(sizes: [H, H, H])
        let r = (fromInput[0] + fromHidden[0]).sigmoid()
        let z = (fromInput[1] + fromHidden[1]).sigmoid()
        let n = (fromInput[2] + r * fromHidden[2]).tanh()
        return (r, z, n, (1 - z) * n + z * h)
    }

    public var signalNames: [String] { ["r", "z", "n", "h"] }
    public var gateNames: Set<String> { ["r", "z"] }

    public func signals(_ x: Variable, state: [Variable]) -> (signals: [Variable], state: [Variable]) {
        let (r, z, n, h) = gates(x, state: state)
        return ([r, z, n, h], [h])
    }

    public var fusedPath: (any FusedSequencePath)? { weights.fused(GRUKernel()) }
}

/// Registration of the `gru` cell.
public enum GRUPlugin {
    public static let descriptor = CellDescriptor(
        name: "gru", summary: "Gated recurrent unit, gates r,z,n (nn.GRU)", version: "1.0.0",
        options: GRUOptions.self, hasFusedKernel: true) { config, options, rng in
        try GRU(config, options: options, rng: &rng)
    }
}

/// `--cell-option init=orthogonal|chrono [t_max=T]`, as for the LSTM family: orthogonal
/// `weight_hh` gate blocks, or chrono biases on the update gate z, which keeps the old state
/// (b_z ~ log 𝒰(1, T − 1); Tallec & Ollivier 2018).
public struct GRUOptions: PluginOptions {
    public var initialisation: LSTMFamilyOptions.Initialisation = .default
    public var tMax: Int = 100
    public init() {}
    enum CodingKeys: String, CodingKey { case initialisation = "init", tMax = "t_max" }
    public static let fields: [OptionField<Self>] = [
        .init("init", \.initialisation, help: "Recurrent initialisation: default (uniform ±1/√H), orthogonal (weight_hh blocks), chrono (update-gate bias, Tallec & Ollivier 2018)."),
        .init("t_max", \.tMax, help: "init=chrono: the longest time scale T the update-gate biases span."),
    ]
    public func validate() throws {
        try ConfigValueError.check(tMax >= 3 && tMax <= 1_000_000, "t_max", tMax, "a whole number from 3 to 1000000")
    }
}
