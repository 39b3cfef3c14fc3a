import RecurKit

/// `recur predict` / `recur sample` options of char-lm and word-lm: the input is the prime, the
/// output the prime continued.
public struct GenerationOptions: PluginOptions {
    /// Tokens to generate: characters (char-lm) or words (word-lm).
    public var length = 200
    public var temperature: Float = 1
    /// 0: sample from every token.
    public var topK = 0
    /// Tabulate every step: input, hidden state, output scores and probabilities.
    public var showScores = false
    /// Keep the resident weights in fp16 (half the bytes a step reads; see ``ResidentPrecision``).
    public var half = false
    /// Keep the resident weights in bfloat16 (half the bytes, like fp16, with a product that keeps
    /// up with the memory; see ``ResidentPrecision``).
    public var bf16 = false
    /// Keep the resident weights in int8 with a scale per row (a quarter of the bytes; see
    /// ``ResidentPrecision``).
    public var int8 = false
    /// Keep the resident weights in int4 with a scale and minimum per row and group of 64 columns
    /// (about a seventh of the bytes; see ``ResidentPrecision`` and ``Int4Groups``).
    public var int4 = false
    /// Threads that share each step of a resident model (1 or 2; ``ResidentStack/workers``).
    public var threads = 1

    enum CodingKeys: String, CodingKey { case length, temperature, topK = "top-k", showScores = "show-scores", half, bf16, int8, int4, threads }

    public init() {}

    public static let fields: [OptionField<Self>] = [
        .init("length", \.length, help: "Tokens to generate (characters for char-lm, words for word-lm)."),
        .init("temperature", \.temperature, help: "Softmax temperature (> 0; lower is more conservative)."),
        .init("top-k", \.topK, help: "Sample only from the k most likely tokens (0: all)."),
        .init("show-scores", \.showScores, help: "Print a table of every step: input, hidden state, output scores."),
        .init("half", \.half, help: "Keep the weights in half precision (fp16) while generating: faster, samples differ slightly from fp32."),
        .init("bf16", \.bf16, help: "Keep the weights in bfloat16 while generating: faster than half (8 significant bits instead of 11); samples differ slightly from fp32."),
        .init("int8", \.int8, help: "Keep the weights in int8, one scale per row, while generating: faster than half; samples differ from fp32."),
        .init("int4", \.int4, help: "Keep the weights in int4, a scale and minimum per row and 64 columns, while generating: faster than int8; about 1% more loss per character."),
        .init("threads", \.threads, help: "Threads sharing each step (1 or 2): each computes half the hidden units; the same samples either way."),
    ]

    public func validate() throws {
        try ConfigValueError.check(length >= 0, "length", length, "an integer ≥ 0")
        try ConfigValueError.check(temperature > 0, "temperature", temperature, "a number > 0")
        try ConfigValueError.check(topK >= 0, "top-k", topK, "an integer ≥ 0")
        try ConfigValueError.check((1...2).contains(threads), "threads", threads, "1 or 2")
        // One precision at a time: each flag is refused when one before it is set.
        let precisions = [("half", half), ("bf16", bf16), ("int8", int8), ("int4", int4)]
        for (i, (name, on)) in precisions.enumerated().dropFirst() {
            let earlier = precisions[..<i].map(\.0)
            let named = earlier.count == 1 ? earlier[0] : earlier.dropLast().joined(separator: ", ") + " or " + earlier.last!
            try ConfigValueError.check(!(on && precisions[..<i].contains(where: \.1)), name, on,
                                       "false when \(named) is true (one precision at a time)")
        }
    }
}

extension GenerationOptions {
    /// The precision the resident weights are kept in.
    public var precision: ResidentPrecision { int4 ? .int4 : int8 ? .int8 : bf16 ? .bf16 : half ? .fp16 : .fp32 }
}

extension LanguageModelSession {
    /// The prime continued (``generate(prime:length:temperature:topK:rng:emit:)``), or with
    /// `show-scores` the table of every step (``scoreSteps(prime:length:temperature:topK:rng:)``).
    public func continuation(of input: String, options: GenerationOptions, rng: inout RandomGenerator) throws -> Prediction {
        let topK = options.topK > 0 ? options.topK : nil
        if options.showScores {
            let steps = try scoreSteps(prime: input, length: options.length, temperature: options.temperature, topK: topK, rng: &rng)
            let ids = steps.first.map { [$0.inputID] + steps.map(\.nextID) } ?? []
            let text = ids.indices.map { i in i == 0 ? vocabulary.token(ids[0]) : spelling(of: ids[i], after: ids[i - 1]) }.joined()
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
        try generate(prime: input, length: options.length, temperature: options.temperature, topK: topK,
                     precision: options.precision, workers: options.threads, rng: &rng) { text += $0 }
        return Prediction(input: input, text: text, fields: ["text": .string(text)])
    }
}
