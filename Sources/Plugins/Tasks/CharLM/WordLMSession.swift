import Foundation
import RecurKit

/// A word-lm run: the corpus split 90/10 by characters (as char-lm), each part read as words
/// with `<eos>` per line (``WordText``), the vocabulary of the training part capped at
/// `--max-vocab` (the rest `<unk>`), the model of word_language_model (``LanguageModel`` with
/// dropout on the embeddings, between layers and on the output) and the carried state.
public final class WordLMSession: LanguageModelSession, ExternallyEvaluable {
    public let config: RunConfig
    public let vocabulary: Vocabulary
    public let model: LanguageModel
    public let options: WordLMOptions
    /// Training and validation ids; built only when training or evaluating.
    private var split: (train: CharStream, validation: [Int32])?
    /// The two parts' tokens, when this session read the corpus to build its vocabulary.
    private var corpusTokens: (train: [String], validation: [String])?
    private let corpusName: String
    /// The hidden state carried between consecutive batches (truncated BPTT), detached; for this
    /// rank's rows only in a data-parallel run.
    private var carried: [[Variable]]?
    private let group: (any ProcessGroup)?
    private let rows: Range<Int>

    public init(config: RunConfig, options: WordLMOptions = .init(), context: TaskContext) throws {
        self.config = config
        self.options = options
        group = context.group
        rows = try context.shard.rows(of: config.batch)
        corpusName = WordLMPlugin.corpusURL(config).path
        guard !config.stack.bidirectional else {
            throw ConfigValueError(field: "bidirectional", value: "true", expected: "false: word-lm predicts the next word, so it cannot read the future")
        }
        if let artifacts = context.artifacts, let saved = artifacts["vocab.json"] {
            vocabulary = try Vocabulary.decode(saved, specials: WordText.specials, source: "vocab.json")
        } else {
            let tokens = try Self.tokens(WordLMPlugin.corpusURL(config), whole: options.valid == .none)
            vocabulary = Vocabulary(words: tokens.train, maxSize: options.maxVocab)
            corpusTokens = tokens
        }
        var rng = RandomGenerator(seed: context.seeds.model)
        model = try LanguageModel(vocabularySize: vocabulary.count, embedding: options.embedding, stack: config.stack,
                                  cells: context.cells, tied: options.tied, outerDropout: config.stack.dropout,
                                  initialization: .wordLanguageModel, rng: &rng)
        model.embeddingDropout = config.embeddingDropout
        // A new run checks its data now, before the host writes anything to disk.
        if context.artifacts == nil { _ = try data() }
    }

    public var parameters: [NamedParameter] { model.namedParameters }
    public var itemName: String { "tokens" }
    public var stepsPerEpoch: Int { (try? data().train.batchesPerEpoch) ?? 1 }

    /// The tokens of the first ⌊9N/10⌋ characters and of the rest (char-lm's cut, docs/recipes.md); with
    /// `whole`, the whole text twice.
    static func tokens(_ url: URL, whole: Bool) throws -> (train: [String], validation: [String]) {
        let text = try TextFile.scalars(url, rules: .text)
        if whole { let all = WordText.tokens(text); return (all, all) }
        let cut = text.count * 9 / 10
        return (WordText.tokens(text[..<cut]), WordText.tokens(text[cut...]))
    }

    /// The split as ids, built on first use.
    func data() throws -> (train: CharStream, validation: [Int32]) {
        if let split { return split }
        let tokens = try corpusTokens ?? Self.tokens(WordLMPlugin.corpusURL(config), whole: options.valid == .none)
        corpusTokens = nil
        guard let stream = CharStream(ids: vocabulary.ids(tokens.train), batch: config.batch, steps: config.seqLen) else {
            throw DataFileError(file: corpusName, "\(tokens.train.count) tokens (words and <eos>) is too short: one batch of \(config.batch) rows × \(config.seqLen + 1) tokens needs \(config.batch * (config.seqLen + 1))\(options.valid == .none ? "" : " in the 90% training split"); use a longer text or a smaller --batch / --seq-len")
        }
        guard tokens.validation.count >= 2 else { throw DataFileError(file: corpusName, "the validation split (last 10%) has fewer than 2 tokens") }
        split = (stream, vocabulary.ids(tokens.validation))
        return split!
    }

    public func trainingLoss(step: Int, shard: BatchShard, rng: inout RandomGenerator) throws -> (loss: Variable, items: Int) {
        model.trainingLoss(try data().train, step: step, shard: shard, carried: &carried, labelSmoothing: config.labelSmoothing, rng: &rng)
    }

    /// Perplexity over the whole validation split, read as one stream (batch 1, chunks of
    /// `seq-len`, state carried).
    public func evaluate() throws -> [String: Double] { try score(try data().validation, prefix: "val") }

    /// Scores a text file read like the corpus (words and `<eos>`; unknown words as `<unk>`).
    public func evaluate(file: URL) throws -> [String: Double] {
        try score(vocabulary.ids(WordText.tokens(try TextFile.scalars(file, rules: .text))), prefix: "eval")
    }

    /// `<prefix>_loss`: mean cross-entropy in nats per token (`<eos>` included, as
    /// word_language_model counts); `<prefix>_ppl` = exp(loss); `<prefix>_unk`: the share of
    /// tokens read as `<unk>`.
    func score(_ ids: [Int32], prefix: String) throws -> [String: Double] {
        let nats = try model.meanCrossEntropy(ofStream: ids, chunk: config.seqLen)
        let unknown = vocabulary.id(.unknown)
        return ["\(prefix)_loss": nats, "\(prefix)_ppl": exp(nats),
                "\(prefix)_unk": Double(ids.dropFirst().filter { $0 == unknown }.count) / Double(ids.count - 1)]
    }

    public func trainingState() -> (tensors: [String: Tensor], info: [String: String]) {
        CarriedState.saved(carried, batch: config.batch, group: group)
    }

    public func restoreTrainingState(tensors: [String: Tensor], info: [String: String]) throws {
        carried = try CarriedState.restored(tensors: tensors, info: info, stack: model.rnn, batch: config.batch, rows: rows)
    }

    public func artifacts() throws -> [String: Data] { ["vocab.json": try vocabulary.encoded()] }

    /// The prime's words, `<eos>` after each line it ends; words outside the vocabulary are
    /// read as `<unk>`. An empty prime is a line's end (`<eos>`).
    public func primeIDs(_ prime: String) throws -> [Int32] {
        var tokens = WordText.tokens(prime.unicodeScalars)
        // A prime that stops inside a line goes on in that line: no `<eos>` after its last word.
        if !prime.hasSuffix("\n"), tokens.last == SpecialToken.eos.rawValue { tokens.removeLast() }
        let ids = vocabulary.ids(tokens)
        return ids.isEmpty ? [vocabulary.id(.eos)] : ids
    }

    public func spelling(of id: Int32, after previous: Int32) -> String {
        let eos = vocabulary.id(.eos)
        if id == eos { return "\n" }
        return (previous == eos ? "" : " ") + vocabulary.token(id)
    }
}

/// `recur predict` / `recur sample` on a word-lm: the prime continued word by word.
extension WordLMSession: Predicting {
    public func predict(_ input: String, options: GenerationOptions, rng: inout RandomGenerator) throws -> Prediction {
        try continuation(of: input, options: options, rng: &rng)
    }
}
