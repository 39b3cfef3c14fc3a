import RecurKit

/// `recur predict` on a char-lm: the input is the prime, the output the prime continued.
extension CharLMSession: Predicting {
    public struct PredictionOptions: PluginOptions {
        public var length = 200
        public var temperature: Float = 1
        /// 0: sample from every character.
        public var topK = 0

        enum CodingKeys: String, CodingKey { case length, temperature, topK = "top-k" }

        public init() {}

        public static let fields: [OptionField<Self>] = [
            .init("length", \.length, help: "Characters to generate."),
            .init("temperature", \.temperature, help: "Softmax temperature (> 0; lower is more conservative)."),
            .init("top-k", \.topK, help: "Sample only from the k most likely characters (0: all)."),
        ]

        public func validate() throws {
            try ConfigValueError.check(length >= 0, "length", length, "an integer ≥ 0")
            try ConfigValueError.check(temperature > 0, "temperature", temperature, "a number > 0")
            try ConfigValueError.check(topK >= 0, "top-k", topK, "an integer ≥ 0")
        }
    }

    public func predict(_ input: String, options: PredictionOptions, rng: inout RandomGenerator) throws -> Prediction {
        var text = ""
        try generate(prime: input, length: options.length, temperature: options.temperature,
                     topK: options.topK > 0 ? options.topK : nil, rng: &rng) { text += $0 }
        return Prediction(input: input, text: text, fields: ["text": .string(text)])
    }
}
