import RecurKit

/// `recur predict` on a translation run: the input sentence translated, with its attention.
extension TranslationSession: Predicting {
    public struct PredictionOptions: PluginOptions {
        public var beam = 1

        public init() {}

        public static let fields: [OptionField<Self>] = [.init("beam", \.beam, help: "Beam width (1: greedy decoding).")]

        public func validate() throws { try ConfigValueError.check(beam >= 1, "beam", beam, "an integer ≥ 1") }
    }

    public func predict(_ input: String, options: PredictionOptions, rng: inout RandomGenerator) throws -> Prediction {
        let result = try GradMode.withNoGrad { try translate(input, beam: options.beam) }
        return Prediction(input: input, text: result.text, fields: [
            "translation": .string(result.text),
            "source_tokens": .array(result.sourceTokens.map(JSONValue.string)),
            "target_tokens": .array(result.targetTokens.map(JSONValue.string)),
            "attention": .array(result.attention.map { .array($0.map { .double(Double($0)) }) }),
            "unknown": .array(result.unknownTokens.map(JSONValue.string)),
            "log_probability": .double(result.logProbability),
        ])
    }
}
