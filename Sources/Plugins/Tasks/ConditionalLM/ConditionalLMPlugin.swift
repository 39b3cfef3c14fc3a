import RecurKit

/// Registration of the `conditional-lm` task: one-to-many generation, p(text | class).
public enum ConditionalLMPlugin {
    public static let descriptor = TaskDescriptor(
        name: "conditional-lm",
        summary: "One-to-many: a character model of p(text | class) from labelled texts (default: words per language); sample with --condition",
        version: "1.0.0",
        options: ConditionalLMOptions.self,
        defaults: { config in
            // The PyTorch "generating names" tutorial's scale: one small recurrent layer.
            config.stack.cell = "gru"
            config.stack.hiddenSize = 128
            config.batch = 64
            config.learningRate = 3e-3
            config.clip = 5
            config.steps = nil
            config.epochs = 5
            config.evalEvery = 500
        },
        unusedCommonOptions: ["seq-len": "each text is one sequence (see --max-length)"],
        monitor: Monitor("val_bpc", .min),
        makeSession: { config, options, context in try ConditionalLMSession(config: config, options: options, context: context) })
}

/// `recur predict RUN CLASS` (and `recur sample RUN --condition CLASS -n 5`): distinct samples
/// of the class.
extension ConditionalLMSession: Predicting {
    public struct PredictionOptions: PluginOptions {
        /// Distinct samples to draw.
        public var count = 5
        public var temperature: Float = 1
        public var topK = 0
        /// Characters every sample starts with.
        public var prime = ""

        enum CodingKeys: String, CodingKey { case count = "n", temperature, topK = "top-k", prime }

        public init() {}

        public static let fields: [OptionField<Self>] = [
            .init("n", \.count, help: "Distinct samples to draw."),
            .init("temperature", \.temperature, help: "Softmax temperature (> 0)."),
            .init("top-k", \.topK, help: "Sample only from the k most likely characters (0: all)."),
            .init("prime", \.prime, help: "Characters every sample starts with."),
        ]

        public func validate() throws {
            try ConfigValueError.check(count >= 1 && count <= 10_000, "n", count, "an integer in 1…10000")
            try ConfigValueError.check(temperature > 0, "temperature", temperature, "a number > 0")
            try ConfigValueError.check(topK >= 0, "top-k", topK, "an integer ≥ 0")
        }
    }

    public func predict(_ input: String, options: PredictionOptions, rng: inout RandomGenerator) throws -> Prediction {
        guard let label = labels.firstIndex(of: input) else {
            throw TaskError("no class '\(input)'; the classes are \(labels.joined(separator: ", "))")
        }
        let prime = options.prime.unicodeScalars.map(String.init)
        let primeIDs = try prime.map { character -> Int32 in
            guard let id = vocabulary.id(character) else { throw TaskError("the prime's '\(character)' never occurs in training") }
            return id
        }
        var samples: [String] = [], attempts = 0
        // Distinct samples: a confident model repeats itself, so draw until n differ (or give up).
        while samples.count < options.count && attempts < options.count * 20 {
            attempts += 1
            let text = try sample(label: Int32(label), prime: primeIDs, options: options, rng: &rng)
            if !samples.contains(text) { samples.append(text) }
        }
        return Prediction(input: input, text: samples.joined(separator: "\n"),
                          fields: ["class": .string(input), "samples": .array(samples.map(JSONValue.string))])
    }

    func sample(label: Int32, prime: [Int32], options: PredictionOptions, rng: inout RandomGenerator) throws -> String {
        let condition = model.conditions([label])
        var state: [[Variable]]? = nil
        var ids = prime
        // Read <bos> and the prime, then sample until <eos> or --max-length; <pad>, <bos> and
        // <unk> are never drawn.
        let never = [SpecialToken.pad, .bos, .unknown].map { Int(vocabulary.id($0)) }
        var feed = [vocabulary.id(.bos)] + prime
        while ids.count < self.options.maxLength {
            let (logits, after) = GradMode.withNoGrad {
                model(feed, steps: feed.count, condition: condition, state: state, training: false, rng: &rng)
            }
            state = after
            var scores = Array(logits.value.scalars.suffix(vocabulary.count))
            for i in never { scores[i] = -.infinity }
            let next = Int32(try sampleIndex(scores, temperature: options.temperature, topK: options.topK > 0 ? options.topK : nil, rng: &rng))
            if next == vocabulary.id(.eos) { break }
            ids.append(next)
            feed = [next]
        }
        return ids.map(vocabulary.token).joined()
    }
}

