import RecurKit

/// Coupled input-forget gate LSTM (CIFG; Greff et al. 2015, "LSTM: A Search Space Odyssey"):
/// the input gate is the forget gate's complement, so one gate fewer:
///
///     [z_f z_g z_o] = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh
///     f = σ(z_f),   g = tanh(z_g),   o = σ(z_o)
///     c_t = f ⊙ c_{t−1} + (1 − f) ⊙ g,    h_t = o ⊙ tanh(c_t)
///
/// Shapes: x_t `[B, X]`, state (h, c) `[B, H]` each; `weight_ih` `[3H, X]`, `weight_hh`
/// `[3H, H]`, `bias_ih`, `bias_hh` `[3H]` (gate order f, g, o), uniform ±1/√H. Fused kernel:
/// ``CIFGKernel``.
public final class CIFG: Cell {
    public let weights: GatedWeights

    public init(_ config: CellConfig, options: LSTMFamilyOptions = .init(), rng: inout RandomGenerator) {
        weights = GatedWeights(gates: 3, inputSize: config.inputSize, hiddenSize: config.hiddenSize, rng: &rng)
        weights.initialise(options, forget: 0, input: nil, rng: &rng)
    }

    public var inputSize: Int { weights.weightIH.shape[1] }
    public var hiddenSize: Int { weights.weightHH.shape[1] }
    public var stateSizes: [Int] { [hiddenSize, hiddenSize] }
    public var namedParameters: [NamedParameter] { weights.named }

    public func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
        let H = hiddenSize
        let z = (weights.inputProjection(x) + weights.hiddenProjection(state[0])).split(sizes: [H, H, H])
        let f = z[0].sigmoid()
        let c = f * state[1] + (1 - f) * z[1].tanh()
        let h = z[2].sigmoid() * c.tanh()
        return (h, [h, c])
    }

    public var fusedPath: (any FusedSequencePath)? { weights.fused(CIFGKernel()) }
}

/// Registration of the `cifg` cell.
public enum CIFGPlugin {
    public static let descriptor = CellDescriptor(
        name: "cifg", summary: "LSTM with coupled input and forget gates, i = 1 − f (Greff et al. 2015)", version: "1.0.0",
        options: LSTMFamilyOptions.self, hasFusedKernel: true) { config, options, rng in
        CIFG(config, options: options, rng: &rng)
    }
}
