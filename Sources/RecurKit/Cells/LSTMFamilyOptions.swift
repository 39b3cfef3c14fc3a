/// `--cell-option forget_bias=1`: the forget gate's bias starts this much higher (Gers et al.
/// 2000; Jozefowicz et al. 2015 found 1 closes most of the gap between the LSTM and the GRU),
/// so that early in training the cell remembers rather than forgets. Default 0: PyTorch's init.
public struct LSTMFamilyOptions: PluginOptions {
    public var forgetBias: Float = 0
    public init() {}
    enum CodingKeys: String, CodingKey { case forgetBias = "forget_bias" }
    public static let fields: [OptionField<Self>] = [
        .init("forget_bias", \.forgetBias, help: "Added to the forget gate's bias at initialisation (Jozefowicz et al. 2015 use 1)."),
    ]
    public func validate() throws {
        try ConfigValueError.check(forgetBias.isFinite && abs(forgetBias) <= 100, "forget_bias", forgetBias, "a number from -100 to 100")
    }
}

extension GatedWeights {
    /// Adds `bias` to `bias_ih`'s rows of gate block `gate` (0-based), as a forget-bias init.
    public func addForgetBias(_ bias: Float, gate: Int) {
        guard bias != 0 else { return }
        let h = weightHH.shape[1]
        biasIH.updateValue { b in for j in (gate * h)..<((gate + 1) * h) { b[j] += bias } }
    }
}
