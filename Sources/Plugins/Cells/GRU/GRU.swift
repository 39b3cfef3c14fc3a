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

    public init(_ config: CellConfig, rng: inout RandomGenerator) throws {
        weights = GatedWeights(gates: 3, inputSize: config.inputSize, hiddenSize: config.hiddenSize, rng: &rng)
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
        hasFusedKernel: true) { config, rng in
        try GRU(config, rng: &rng)
    }
}
