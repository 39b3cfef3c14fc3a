import RecurKit

/// `recur predict` on a char-lm: the input is the prime, the output the prime continued.
extension CharLMSession: Predicting {
    public struct PredictionOptions: PluginOptions {
        public var length = 200
        public var temperature: Float = 1
        /// 0: sample from every character.
        public var topK = 0
        /// Tabulate every step: input, hidden state, output scores and probabilities.
        public var showScores = false

        enum CodingKeys: String, CodingKey { case length, temperature, topK = "top-k", showScores = "show-scores" }

        public init() {}

        public static let fields: [OptionField<Self>] = [
            .init("length", \.length, help: "Characters to generate."),
            .init("temperature", \.temperature, help: "Softmax temperature (> 0; lower is more conservative)."),
            .init("top-k", \.topK, help: "Sample only from the k most likely characters (0: all)."),
            .init("show-scores", \.showScores, help: "Print a table of every step: input, hidden state, output scores."),
        ]

        public func validate() throws {
            try ConfigValueError.check(length >= 0, "length", length, "an integer ≥ 0")
            try ConfigValueError.check(temperature > 0, "temperature", temperature, "a number > 0")
            try ConfigValueError.check(topK >= 0, "top-k", topK, "an integer ≥ 0")
        }
    }

    public func predict(_ input: String, options: PredictionOptions, rng: inout RandomGenerator) throws -> Prediction {
        if options.showScores {
            let steps = try scoreSteps(prime: input, length: options.length, temperature: options.temperature,
                                       topK: options.topK > 0 ? options.topK : nil, rng: &rng)
            let text = (steps.first.map { [$0.input] } ?? []).joined() + steps.map(\.next).joined()
            return Prediction(input: input, text: scoreTable(steps), fields: [
                "text": .string(text), "vocabulary": .array(vocabulary.tokens.map(JSONValue.string)),
                "steps": .array(steps.map { step in
                    .object(["input": .string(step.input), "next": .string(step.next), "sampled": .bool(step.sampled),
                             "hidden": .array(step.hidden.map { .double(Double($0)) }),
                             "scores": .array(step.scores.map { .double(Double($0)) }),
                             "probabilities": .array(step.probabilities.map { .double(Double($0)) })])
                }),
            ])
        }
        var text = ""
        try generate(prime: input, length: options.length, temperature: options.temperature,
                     topK: options.topK > 0 ? options.topK : nil, rng: &rng) { text += $0 }
        return Prediction(input: input, text: text, fields: ["text": .string(text)])
    }
}
