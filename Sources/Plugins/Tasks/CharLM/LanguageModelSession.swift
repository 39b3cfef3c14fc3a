import RecurKit

/// What char-lm and word-lm share: a ``LanguageModel`` over a ``Vocabulary`` whose text is one
/// stream of tokens, which it continues from a prime (`recur sample`, `recur predict`).
public protocol LanguageModelSession: TextGenerating {
    var model: LanguageModel { get }
    var vocabulary: Vocabulary { get }
    /// The ids the model reads before it samples; never empty (an empty prime is the token that
    /// starts a line).
    func primeIDs(_ prime: String) throws -> [Int32]
    /// The text that token `id` adds after token `previous`: char-lm the character itself,
    /// word-lm the word with a space before it (none at a line's start) and a line break for
    /// `<eos>`.
    func spelling(of id: Int32, after previous: Int32) -> String
}

extension LanguageModelSession {
    /// Emits `prime` as given, then `length` sampled tokens as ``spelling(of:after:)`` writes them.
    /// Stacks of cells with a fused gated kernel step resident at batch 1
    /// (``ResidentLanguageModel``); others run the generic path.
    public func generate(prime: String, length: Int, temperature: Float, topK: Int?, rng: inout RandomGenerator,
                         emit: (String) -> Void) throws {
        try generate(prime: prime, length: length, temperature: temperature, topK: topK, precision: .fp32, rng: &rng, emit: emit)
    }

    /// As above, with the resident weights kept in `precision` (the generic path has only fp32)
    /// and each step split between `workers` threads (1 or 2; the same samples either way).
    public func generate(prime: String, length: Int, temperature: Float, topK: Int?, precision: ResidentPrecision,
                         workers: Int = 1, rng: inout RandomGenerator, emit: (String) -> Void) throws {
        guard let resident = ResidentLanguageModel(model, precision: precision, workers: workers) else {
            return try generateOnTape(prime: prime, length: length, temperature: temperature, topK: topK, rng: &rng, emit: emit)
        }
        let ids = try primeIDs(prime)
        emit(prime)
        var previous = ids[ids.count - 1]
        try resident.generate(prime: ids, length: length, temperature: temperature, topK: topK, rng: &rng) { next in
            emit(spelling(of: next, after: previous))
            previous = next
        }
    }

    /// ``generate(prime:length:temperature:topK:rng:emit:)`` through the model's own forward
    /// pass, one batch-1 sequence per token: any cell, and the reference the resident path is
    /// tested against.
    func generateOnTape(prime: String, length: Int, temperature: Float, topK: Int?, rng: inout RandomGenerator,
                        emit: (String) -> Void) throws {
        let ids = try primeIDs(prime)
        var (logits, state) = GradMode.withNoGrad { model(ids, steps: ids.count, batch: 1, state: nil, training: false, rng: &rng) }
        emit(prime)
        var last = logits.slice(axis: 0, start: ids.count - 1, length: 1)
        var previous = ids[ids.count - 1]
        for _ in 0..<length {
            let next = Int32(try sampleIndex(last.value.scalars, temperature: temperature, topK: topK, rng: &rng))
            emit(spelling(of: next, after: previous))
            previous = next
            (last, state) = GradMode.withNoGrad { model([next], steps: 1, batch: 1, state: state, training: false, rng: &rng) }
        }
    }
}
