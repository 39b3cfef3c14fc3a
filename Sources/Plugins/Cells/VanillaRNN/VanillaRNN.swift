import RecurKit

/// The Elman RNN, as `nn.RNN`: `h_t = φ(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)` with φ = tanh
/// (default) or relu (`--cell-option nonlinearity=relu`).
///
/// Shapes: x_t `[B, X]`, h `[B, H]`; `weight_ih` `[H, X]`, `weight_hh` `[H, H]`, biases `[H]`,
/// all uniform in ±1/√H.
public final class VanillaRNN: Cell {
    public enum Nonlinearity: String, Sendable, Codable, CaseIterable, OptionValue { case tanh, relu }

    public let weights: GatedWeights
    public let nonlinearity: Nonlinearity

    public init(_ config: CellConfig, options: VanillaRNNOptions = .init(), rng: inout RandomGenerator) {
        nonlinearity = options.nonlinearity
        weights = GatedWeights(gates: 1, inputSize: config.inputSize, hiddenSize: config.hiddenSize, rng: &rng)
    }

    public var inputSize: Int { weights.weightIH.shape[1] }
    public var hiddenSize: Int { weights.weightHH.shape[1] }
    public var stateSizes: [Int] { [hiddenSize] }
    public var namedParameters: [NamedParameter] { weights.named }

    public func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
        let preActivation = weights.inputProjection(x) + weights.hiddenProjection(state[0])
        let h = nonlinearity == .tanh ? preActivation.tanh() : preActivation.relu()
        return (h, [h])
    }

    public var fusedPath: (any FusedSequencePath)? { weights.fused(RNNKernel(nonlinearity: nonlinearity)) }
}

/// Registration of the `rnn` cell.
public enum VanillaRNNPlugin {
    public static let descriptor = CellDescriptor(
        name: "rnn", summary: "Elman RNN, h = tanh(W_ih x + b_ih + W_hh h + b_hh) (nn.RNN)", version: "1.0.0",
        options: VanillaRNNOptions.self, hasFusedKernel: true) { config, options, rng in
        VanillaRNN(config, options: options, rng: &rng)
    }
}

/// `--cell-option nonlinearity=relu`, as `nn.RNN(nonlinearity=)`.
public struct VanillaRNNOptions: PluginOptions {
    public var nonlinearity: VanillaRNN.Nonlinearity = .tanh
    public init() {}
    public static let fields: [OptionField<Self>] = [
        .init("nonlinearity", \.nonlinearity, help: "The activation φ: tanh or relu."),
    ]
}
