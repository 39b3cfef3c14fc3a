import RecurKit

/// Independently recurrent network (Li, Li, Cook, Zhu & Gao 2018, "Independently Recurrent
/// Neural Network (IndRNN)"): each unit sees only its own past, through one weight:
///
///     h_t = φ(W_ih x_t + b_ih + u ⊙ h_{t−1}),   φ = relu (default) or tanh
///
/// Units interact only across layers (stack them: `--layers`). With |u| ≤ 1 and relu the
/// gradient through time neither explodes nor, for u near 1, vanishes.
///
/// Shapes: x_t `[B, X]`, h `[B, H]`; `weight_ih` `[H, X]` and `bias_ih` `[H]` uniform ±1/√H;
/// the recurrent weight `weight_hh` `[H]` uniform in [0, 1] (the paper's suggested range).
public final class IndRNN: Cell {
    let weightIH: Variable, biasIH: Variable, weightHH: Variable
    let nonlinearity: VanillaNonlinearity

    public init(_ config: CellConfig, options: IndRNNOptions = .init(), rng: inout RandomGenerator) {
        let (x, h) = (config.inputSize, config.hiddenSize)
        let bound = 1 / Float(h).squareRoot()
        weightIH = parameter(rng.uniformTensor([h, x], -bound, bound), "weight_ih")
        biasIH = parameter(rng.uniformTensor([h], -bound, bound), "bias_ih")
        weightHH = parameter(rng.uniformTensor([h], 0, 1), "weight_hh")
        nonlinearity = options.nonlinearity
    }

    public var inputSize: Int { weightIH.shape[1] }
    public var hiddenSize: Int { weightIH.shape[0] }
    public var stateSizes: [Int] { [hiddenSize] }
    public var namedParameters: [NamedParameter] { [("weight_ih", weightIH), ("bias_ih", biasIH), ("weight_hh", weightHH)] }

    public func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
        let pre = matmul(x, weightIH, transposeB: true) + biasIH + state[0] * weightHH
        let h = nonlinearity == .relu ? pre.relu() : pre.tanh()
        return (h, [h])
    }
}

/// relu or tanh.
public enum VanillaNonlinearity: String, Sendable, Codable, CaseIterable, OptionValue { case relu, tanh }

/// `--cell-option nonlinearity=tanh`.
public struct IndRNNOptions: PluginOptions {
    public var nonlinearity: VanillaNonlinearity = .relu
    public init() {}
    public static let fields: [OptionField<Self>] = [
        .init("nonlinearity", \.nonlinearity, help: "The activation φ: relu (the paper's) or tanh."),
    ]
}

/// Registration of the `indrnn` cell.
public enum IndRNNPlugin {
    public static let descriptor = CellDescriptor(
        name: "indrnn", summary: "Independently recurrent network, h = relu(W x + u ⊙ h) (Li et al. 2018)", version: "1.0.0",
        options: IndRNNOptions.self) { config, options, rng in
        IndRNN(config, options: options, rng: &rng)
    }
}
