import RecurKit

/// `mingru`, the minimal GRU of Feng et al., "Were RNNs All We Needed?" (2024):
///
///     z_t  = σ(W_z x_t + b_z)                  update gate, from the input only
///     h̃_t  = W_h x_t + b_h                     candidate, from the input only (no tanh)
///     h_t  = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ h̃_t
///
/// Neither the gate nor the candidate reads h_{t−1}, so the recurrence is linear in h and could
/// run as a parallel scan; here it runs step by step through Recur's generic driver. One
/// layer is a gated moving average of input features, so depth (`--layers`) matters more than
/// for a GRU.
///
/// Shapes: x_t `[B, X]`, h `[B, H]`; `weight_ih` `[2H, X]` and `bias_ih` `[2H]`, rows z then h̃
/// (PyTorch-style stacking, as the built-in cells stack their gates).
public final class MinGRU: Cell {
    let weightIH: Variable, biasIH: Variable

    public init(_ config: CellConfig, rng: inout RandomGenerator) throws {
        let (x, h) = (config.inputSize, config.hiddenSize)
        let bound = 1 / Float(h).squareRoot()                // as nn.GRU initialises: uniform in ±1/√H
        weightIH = parameter(rng.uniformTensor([2 * h, x], -bound, bound), "weight_ih")
        biasIH = parameter(rng.uniformTensor([2 * h], -bound, bound), "bias_ih")
    }

    public var inputSize: Int { weightIH.shape[1] }
    public var hiddenSize: Int { weightIH.shape[0] / 2 }
    public var stateSizes: [Int] { [hiddenSize] }
    public var namedParameters: [NamedParameter] { [("weight_ih", weightIH), ("bias_ih", biasIH)] }

    public func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
        // One matrix product for both blocks, then split: z (update gate) and h̃ (candidate).
        let blocks = (matmul(x, weightIH, transposeB: true) + biasIH).split(sizes: [hiddenSize, hiddenSize], axis: -1)
        let z = blocks[0].sigmoid(), candidate = blocks[1]
        let h = (1 - z) * state[0] + z * candidate
        return (h, [h])
    }

    public static let descriptor = CellDescriptor(
        name: "mingru", summary: "minimal GRU: z = σ(W_z x), h = (1−z)⊙h + z⊙(W_h x) (Feng et al. 2024)", version: "1.0.0"
    ) { config, rng in try MinGRU(config, rng: &rng) }
}
