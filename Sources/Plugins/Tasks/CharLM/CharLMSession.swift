import Foundation
import RecurKit

/// A char-lm run: the corpus split 90/10 by characters, the model, and the carried state.
public final class CharLMSession: LanguageModelSession, ExternallyEvaluable {
    public let config: RunConfig
    public let vocabulary: Vocabulary
    public let model: LanguageModel
    public let options: CharLMOptions
    /// Training and validation ids; loaded only when training or evaluating.
    private var split: (train: CharStream, validation: [Int32])?
    private let corpus: [Unicode.Scalar]?
    private let corpusName: String
    /// The hidden state carried between consecutive batches (truncated BPTT), detached; for this
    /// rank's rows only in a data-parallel run.
    private var carried: [[Variable]]?
    private let group: (any ProcessGroup)?
    /// This rank's rows of the global batch (all of them in one process).
    private let rows: Range<Int>

    public init(config: RunConfig, options: CharLMOptions = .init(), context: TaskContext) throws {
        self.config = config
        group = context.group
        rows = try context.shard.rows(of: config.batch)
        guard !config.stack.bidirectional else {
            throw ConfigValueError(field: "bidirectional", value: "true", expected: "false: char-lm predicts the next character, so it cannot read the future")
        }
        if let artifacts = context.artifacts, let saved = artifacts["vocab.json"] {
            vocabulary = try Vocabulary.characters(decoding: saved, source: "vocab.json")
            corpus = nil
        } else {
            let text = try TextFile.scalars(CharLMPlugin.corpusURL(config), rules: .exact)
            vocabulary = Vocabulary(corpus: text)
            corpus = text
        }
        corpusName = CharLMPlugin.corpusURL(config).path
        var rng = RandomGenerator(seed: context.seeds.model)
        self.options = options
        // Tied, the shared table starts as word_language_model's (U(±0.1)): N(0, 1) rows as
        // decoder weights would make the first logits ±√H large.
        model = try LanguageModel(vocabularySize: vocabulary.count, embedding: options.input == .embedding ? options.embedding : nil,
                                  stack: config.stack, cells: context.cells, tied: options.tied,
                                  initialization: options.tied ? .wordLanguageModel : .pytorchLayers, rng: &rng)
        guard config.embeddingDropout == 0 || options.input == .embedding else {
            throw ConfigValueError(field: "embedding-dropout", value: "\(config.embeddingDropout)", expected: "0: --input one-hot has no embedding to drop")
        }
        model.embeddingDropout = config.embeddingDropout
        // A new run checks its data now, before the host writes anything to disk.
        if context.artifacts == nil { _ = try data() }
    }

    public var parameters: [NamedParameter] { model.namedParameters }
    public var itemName: String { "chars" }
    public var stepsPerEpoch: Int { (try? data().train.batchesPerEpoch) ?? 1 }

    /// The split, built on first use: train = first 90% of the characters (⌊9N/10⌋), validation = the
    /// rest; with `--valid none`, both are the whole text.
    func data() throws -> (train: CharStream, validation: [Int32]) {
        if let split { return split }
        let text = try corpus ?? TextFile.scalars(CharLMPlugin.corpusURL(config), rules: .exact)
        let ids = try vocabulary.ids(ofCharacters: text, source: corpusName)
        let whole = options.valid == .none
        let cut = whole ? ids.count : ids.count * 9 / 10
        guard let stream = CharStream(ids: Array(ids[..<cut]), batch: config.batch, steps: config.seqLen) else {
            throw DataFileError(file: corpusName, "\(ids.count) characters is too short: one batch of \(config.batch) rows × \(config.seqLen + 1) characters needs \(config.batch * (config.seqLen + 1))\(whole ? "" : " in the 90% training split"); use a longer text or a smaller --batch / --seq-len")
        }
        guard whole || ids.count - cut >= 2 else { throw DataFileError(file: corpusName, "the validation split (last 10%) has fewer than 2 characters") }
        split = (stream, whole ? ids : Array(ids[cut...]))
        return split!
    }

    public func trainingLoss(step: Int, shard: BatchShard, rng: inout RandomGenerator) throws -> (loss: Variable, items: Int) {
        model.trainingLoss(try data().train, step: step, shard: shard, carried: &carried, labelSmoothing: config.labelSmoothing, rng: &rng)
    }

    /// Bits per character over the whole validation split, read as one stream (batch 1, chunks of
    /// `seq-len`, state carried): the "carried" figure of docs/recipes.md.
    public func evaluate() throws -> [String: Double] { try score(try data().validation, prefix: "val") }

    public func evaluate(file: URL) throws -> [String: Double] {
        try score(try vocabulary.ids(ofCharacters: try TextFile.scalars(file, rules: .exact), source: file.path), prefix: "eval")
    }

    func score(_ ids: [Int32], prefix: String) throws -> [String: Double] {
        guard ids.count >= 2 else { throw TaskError("need at least 2 characters to score, got \(ids.count)") }
        let nats = try model.meanCrossEntropy(ofStream: ids, chunk: config.seqLen)
        return ["\(prefix)_loss": nats, "\(prefix)_bpc": nats / log(2), "\(prefix)_perplexity": exp(nats)]
    }

    public func trainingState() -> (tensors: [String: Tensor], info: [String: String]) {
        CarriedState.saved(carried, batch: config.batch, group: group)
    }

    public func restoreTrainingState(tensors: [String: Tensor], info: [String: String]) throws {
        carried = try CarriedState.restored(tensors: tensors, info: info, stack: model.rnn, batch: config.batch, rows: rows)
    }

    public func artifacts() throws -> [String: Data] { ["vocab.json": try vocabulary.encoded()] }

    public func primeIDs(_ prime: String) throws -> [Int32] {
        let ids = try vocabulary.ids(ofCharacters: Array(prime.unicodeScalars), source: "--prime")
        return ids.isEmpty ? [vocabulary.id("\n") ?? 0] : ids
    }

    public func spelling(of id: Int32, after previous: Int32) -> String { vocabulary.token(id) }
}
