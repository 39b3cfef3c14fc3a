import RecurKit

/// Minimal gated unit (Zhou, Wu, Zhang & Zhou 2016, "Minimal Gated Unit for Recurrent Neural
/// Networks"): a GRU whose reset and update gates are one forget gate:
///
///     f_t = σ(W_f x_t + b_if + U_f h_{t−1} + b_hf)
///     h̃_t = tanh(W_h x_t + b_ih + U_h (f_t ⊙ h_{t−1}) + b_hh)
///     h_t = (1 − f_t) ⊙ h_{t−1} + f_t ⊙ h̃_t
///
/// Shapes: x_t `[B, X]`, h `[B, H]`; `weight_ih` `[2H, X]`, `weight_hh` `[2H, H]`, `bias_ih`,
/// `bias_hh` `[2H]`, rows f then h̃, uniform ±1/√H.
public final class MGU: Cell {
    public let weights: GatedWeights

    public init(_ config: CellConfig, rng: inout RandomGenerator) {
        weights = GatedWeights(gates: 2, inputSize: config.inputSize, hiddenSize: config.hiddenSize, rng: &rng)
    }

    public var inputSize: Int { weights.weightIH.shape[1] }
    public var hiddenSize: Int { weights.weightHH.shape[1] }
    public var stateSizes: [Int] { [hiddenSize] }
    public var namedParameters: [NamedParameter] { weights.named }

    public func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
        let H = hiddenSize, h = state[0]
        let fromInput = weights.inputProjection(x).split(sizes: [H, H])
        // h̃ reads f ⊙ h, so the two recurrent blocks are separate products.
        let u = weights.weightHH.split(sizes: [H, H], axis: 0), b = weights.biasHH.split(sizes: [H, H], axis: 0)
        let f = (fromInput[0] + matmul(h, u[0], transposeB: true) + b[0]).sigmoid()
        let candidate = (fromInput[1] + matmul(f * h, u[1], transposeB: true) + b[1]).tanh()
        let next = (1 - f) * h + f * candidate
        return (next, [next])
    }
}

/// Registration of the `mgu` cell.
public enum MGUPlugin {
    public static let descriptor = CellDescriptor(
        name: "mgu", summary: "Minimal gated unit: one forget gate (Zhou et al. 2016)", version: "1.0.0") { config, rng in
        MGU(config, rng: &rng)
    }
}
