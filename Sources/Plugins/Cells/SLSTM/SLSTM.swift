import RecurKit

/// sLSTM, the scalar-memory cell of xLSTM (Beck et al. 2024, "xLSTM: Extended Long Short-Term
/// Memory", §2.2), with exponential input and forget gates, a normaliser state n and a
/// stabiliser state m that keeps the exponentials finite:
///
///     [z̃ ĩ f̃ õ] = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh
///     m_t = max(f̃ + m_{t−1}, ĩ)                        stabiliser (log space)
///     i'_t = exp(ĩ − m_t),   f'_t = exp(f̃ + m_{t−1} − m_t)
///     c_t = f'_t ⊙ c_{t−1} + i'_t ⊙ tanh(z̃)
///     n_t = f'_t ⊙ n_{t−1} + i'_t
///     h_t = σ(õ) ⊙ c_t / n_t
///
/// m cancels from c_t / n_t, so the output is that of the unstabilised exp(ĩ), exp(f̃) gates.
/// The recurrent matrix is dense here (the paper splits it into heads, block-diagonal).
///
/// Shapes: x_t `[B, X]`; state (h, c, n, m) `[B, H]` each, all zero at the start; `weight_ih`
/// `[4H, X]`, `weight_hh` `[4H, H]`, `bias_ih`, `bias_hh` `[4H]` (gate order z, i, f, o),
/// uniform ±1/√H.
public final class SLSTM: Cell, StateDomain {
    public let weights: GatedWeights

    public init(_ config: CellConfig, options: LSTMFamilyOptions = .init(), rng: inout RandomGenerator) throws {
        // Chrono's log-uniform biases are for σ gates; sLSTM's forget gate is exp(f̃).
        try ConfigValueError.check(options.initialisation != .chrono, "init", "chrono", "default or orthogonal: sLSTM's exponential gates have no chrono rule")
        weights = GatedWeights(gates: 4, inputSize: config.inputSize, hiddenSize: config.hiddenSize, rng: &rng)
        weights.initialise(options, forget: 2, input: 1, rng: &rng)
    }

    public var inputSize: Int { weights.weightIH.shape[1] }
    public var hiddenSize: Int { weights.weightHH.shape[1] }
    public var stateSizes: [Int] { [hiddenSize, hiddenSize, hiddenSize, hiddenSize] }
    public var namedParameters: [NamedParameter] { weights.named }

    public func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
        let H = hiddenSize
        let (c0, n0, m0) = (state[1], state[2], state[3])
        let z = (weights.inputProjection(x) + weights.hiddenProjection(state[0])).split(sizes: [H, H, H, H])
        let logForget = z[2] + m0
        let m = maximum(logForget, z[1])
        let inputGate = (z[1] - m).exp(), forgetGate = (logForget - m).exp()
        let c = forgetGate * c0 + inputGate * z[0].tanh()
        let n = forgetGate * n0 + inputGate
        let h = z[3].sigmoid() * (c / n)
        return (h, [h, c, n, m])
    }

    /// n is a sum of positive terms from n₀ = 0: reachable states have n > 0, and c/n is
    /// meaningless near n = 0, so the conformance suite draws n from [0.5, 1.5].
    public var stateRanges: [ClosedRange<Float>] { [-0.5...0.5, -0.5...0.5, 0.5...1.5, -0.5...0.5] }

    /// max(a, b) element-wise; the gradient goes to the larger (to a on ties).
    private func maximum(_ a: Variable, _ b: Variable) -> Variable {
        let pick = Tensor(shape: a.shape, scalars: zip(a.value.scalars, b.value.scalars).map { $0 >= $1 ? 1 : 0 })
        return a * Variable(pick) + b * Variable(Tensor(shape: a.shape, scalars: pick.scalars.map { 1 - $0 }))
    }
}

/// Registration of the `slstm` cell.
public enum SLSTMPlugin {
    public static let descriptor = CellDescriptor(
        name: "slstm", summary: "sLSTM of xLSTM: exponential gates with normaliser and stabiliser (Beck et al. 2024)",
        version: "1.0.0", options: LSTMFamilyOptions.self) { config, options, rng in
        try SLSTM(config, options: options, rng: &rng)
    }
}
