import Foundation

/// The options the LSTM family shares:
///
/// - `forget_bias=1`: the forget gate's bias starts this much higher (Gers et al. 2000;
///   Jozefowicz et al. 2015 found 1 closes most of the gap between the LSTM and the GRU), so
///   that early in training the cell remembers rather than forgets. Default 0: PyTorch's init.
/// - `init=orthogonal`: each gate's block of `weight_hh` is a random orthogonal matrix (as
///   `nn.init.orthogonal_`), instead of uniform ±1/√H.
/// - `init=chrono t_max=T` (Tallec & Ollivier 2018, "Can recurrent neural networks warp
///   time?"): forget bias b_f ~ log 𝒰(1, T − 1) and input bias b_i = −b_f (in `bias_ih`, with
///   `bias_hh`'s f and i blocks zero), so that the cell's memory spans time scales up to T.
public struct LSTMFamilyOptions: PluginOptions {
    public enum Initialisation: String, Sendable, Codable, CaseIterable, OptionValue { case `default`, orthogonal, chrono }

    public var forgetBias: Float = 0
    public var initialisation: Initialisation = .default
    public var tMax: Int = 100
    public init() {}
    enum CodingKeys: String, CodingKey { case forgetBias = "forget_bias", initialisation = "init", tMax = "t_max" }
    public static let fields: [OptionField<Self>] = [
        .init("forget_bias", \.forgetBias, help: "Added to the forget gate's bias at initialisation (Jozefowicz et al. 2015 use 1)."),
        .init("init", \.initialisation, help: "Recurrent initialisation: default (uniform ±1/√H), orthogonal (weight_hh blocks), chrono (gate biases, Tallec & Ollivier 2018)."),
        .init("t_max", \.tMax, help: "init=chrono: the longest time scale T the forget biases span."),
    ]
    public func validate() throws {
        try ConfigValueError.check(forgetBias.isFinite && abs(forgetBias) <= 100, "forget_bias", forgetBias, "a number from -100 to 100")
        try ConfigValueError.check(tMax >= 3 && tMax <= 1_000_000, "t_max", tMax, "a whole number from 3 to 1000000")
    }
}

extension GatedWeights {
    /// Applies `options` to a freshly made LSTM-family cell whose forget gate is block
    /// `forget` and input gate block `input` (`nil`: none of its own, as in CIFG).
    public func initialise(_ options: LSTMFamilyOptions, forget: Int, input: Int?, rng: inout RandomGenerator) {
        initialiseLSTMFamily(options, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH, forget: forget, input: input, rng: &rng)
    }
}

/// ``LSTMFamilyOptions`` applied to a freshly made cell's recurrent weight `[G·H, H]` and gate
/// biases `[G·H]` (`biasHH` `nil` for a cell with one bias): orthogonal blocks or chrono biases,
/// then `forget_bias` added to block `forget` of `biasIH`.
public func initialiseLSTMFamily(_ options: LSTMFamilyOptions, weightHH: Variable, biasIH: Variable, biasHH: Variable?,
                                 forget: Int, input: Int?, rng: inout RandomGenerator) {
    let h = weightHH.shape[1]
    switch options.initialisation {
    case .default: break
    case .orthogonal: orthogonaliseRecurrentBlocks(weightHH, rng: &rng)
    case .chrono: chronoBiases(biasIH: biasIH, biasHH: biasHH, hidden: h, forget: forget, input: input, tMax: options.tMax, rng: &rng)
    }
    if options.forgetBias != 0 {
        biasIH.updateValue { b in for j in (forget * h)..<((forget + 1) * h) { b[j] += options.forgetBias } }
    }
}

/// Replaces each `[H, H]` block of a `[G·H, H]` recurrent weight with a random orthogonal matrix:
/// Gram–Schmidt on the rows of a standard normal matrix (with probability 1 of full rank).
public func orthogonaliseRecurrentBlocks(_ weight: Variable, rng: inout RandomGenerator) {
    let h = weight.shape[1], blocks = weight.shape[0] / h
    weight.updateValue { w in
        for block in 0..<blocks {
            var rows = (0..<h).map { _ in (0..<h).map { _ in Double(rng.normal()) } }
            for i in 0..<h {
                for j in 0..<i {
                    let dot = zip(rows[i], rows[j]).reduce(0) { $0 + $1.0 * $1.1 }
                    for k in 0..<h { rows[i][k] -= dot * rows[j][k] }
                }
                let norm = rows[i].reduce(0) { $0 + $1 * $1 }.squareRoot()
                for k in 0..<h { rows[i][k] /= norm }
            }
            for i in 0..<h { for k in 0..<h { w[(block * h + i) * h + k] = Float(rows[i][k]) } }
        }
    }
}

/// Chrono initialisation: b_f ~ log 𝒰(1, t_max − 1), b_i = −b_f, in `biasIH` (gate blocks of
/// `hidden` rows); the same blocks of `biasHH` (when there is one) are zero so that the sum the
/// gates see is exactly that.
public func chronoBiases(biasIH: Variable, biasHH: Variable?, hidden h: Int, forget: Int, input: Int?, tMax: Int,
                         rng: inout RandomGenerator) {
    let forgetBias = (0..<h).map { _ in Float(Foundation.log(Double(rng.uniform(1, Float(tMax - 1))))) }
    biasIH.updateValue { b in
        for j in 0..<h {
            b[forget * h + j] = forgetBias[j]
            if let input { b[input * h + j] = -forgetBias[j] }
        }
    }
    biasHH?.updateValue { b in
        for j in 0..<h {
            b[forget * h + j] = 0
            if let input { b[input * h + j] = 0 }
        }
    }
}
