import Foundation
import RecurKit
import RecurPlot

/// A tagging run: the tagged sentences (or, for a saved run, its word and tag vocabularies), the
/// model, and the latest evaluation's per-tag and entity scores.
public final class TaggingSession: TaskSession, EvaluationReporting, ExternallyEvaluable {
    /// A sentence as word ids and tag ids.
    struct Encoded {
        var ids: [Int32]
        var tags: [Int32]
        /// Each word's character ids (`--char-features`; empty otherwise).
        var spelling: [[Int32]] = []
    }

    public let config: RunConfig
    public let options: TaggingOptions
    public let vocabulary: Vocabulary
    /// `--char-features`: the training words' characters (`chars.json`).
    public let characters: Vocabulary?
    /// Tag names by id.
    public let tags: [String]
    /// The chunk scheme of the tag names (entity scores apply for BIO and IOBES).
    public let scheme: TagScheme
    public let model: SequenceTagger
    /// The training sentences; a session loaded from a saved run (resume) reads them on first use.
    private var train: [Encoded]?
    /// Word ids seen exactly once in the training set (``TaggingOptions/unkRate``).
    private var singletons: Set<Int32> = []
    private let seeds: Seeds
    /// The validation sentences and their words never seen in training (read as `<unk>`).
    private var validation: (sentences: [Encoded], unknown: [String])?
    private var epochOrder: (epoch: Int, order: [Int])?
    private var lastReport: (matrix: ConfusionMatrix, entities: EntityScores?, prefix: String)?

    /// Reads the data and builds vocabularies and a fresh model — or, with artifacts in the
    /// context (a saved run), takes its `vocab.json` and `tags.json` and reads no data until training or evaluation asks.
    public init(config: RunConfig, options: TaggingOptions = .init(), context: TaskContext) throws {
        self.config = config
        self.options = options
        if let artifacts = context.artifacts, let vocab = artifacts["vocab.json"], let tagFile = artifacts["tags.json"] {
            vocabulary = try Vocabulary.decode(vocab, specials: .padUnknown, source: "vocab.json")
            guard let names = try? JSONSerialization.jsonObject(with: tagFile) as? [String], !names.isEmpty else {
                throw DataFileError(file: "tags.json", "not a tag list (expected a JSON array of tag names)")
            }
            tags = names
            if options.charFeatures {
                guard let saved = artifacts["chars.json"] else { throw DataFileError(file: "chars.json", "missing: the run uses --char-features") }
                characters = try Vocabulary.decode(saved, specials: .padUnknown, source: "chars.json")
            } else {
                characters = nil
            }
        } else {
            let data = try TaggingData.load(config, options)
            vocabulary = Vocabulary(specials: .padUnknown, training: data.train.map(\.tokens))
            characters = options.charFeatures
                ? Vocabulary(specials: .padUnknown, training: data.train.flatMap(\.tokens).map { $0.unicodeScalars.map(String.init) })
                : nil
            tags = data.tags
            let encoded = try Self.encode(data.train, vocabulary: vocabulary, characters: characters, tags: tags).sentences
            train = encoded
            singletons = Self.singletons(encoded)
            validation = try Self.encode(data.validation, vocabulary: vocabulary, characters: characters, tags: tags)
        }
        scheme = TagScheme.detect(tags)
        seeds = context.seeds
        var rng = RandomGenerator(seed: context.seeds.model)
        model = try SequenceTagger(vocabularySize: vocabulary.count, embedding: options.embedding, tags: tags.count,
                                   crf: options.crf, stack: config.stack,
                                   characters: characters.map { ($0.count, options.charEmbedding, options.charHidden) },
                                   cells: context.cells, rng: &rng)
        guard config.labelSmoothing == 0 || !options.crf else {
            throw ConfigValueError(field: "label-smoothing", value: "\(config.labelSmoothing)", expected: "0 with --crf: the CRF's loss is the sequence likelihood, not a per-token cross-entropy")
        }
        model.embeddingDropout = config.embeddingDropout
    }

    /// Word and tag ids, and the words outside the vocabulary; a tag the model does not know is refused.
    static func encode(_ sentences: [TaggedSentence], vocabulary: Vocabulary, characters: Vocabulary?,
                       tags: [String]) throws -> (sentences: [Encoded], unknown: [String]) {
        let tagIndex = Dictionary(uniqueKeysWithValues: tags.enumerated().map { ($0.element, Int32($0.offset)) })
        var unknown: [String] = []
        let encoded = try sentences.map { sentence -> Encoded in
            let ids = vocabulary.encode(sentence.tokens)
            for token in ids.unknown where !unknown.contains(token) { unknown.append(token) }
            let tagIDs = try sentence.tags.map { tag -> Int32 in
                guard let id = tagIndex[tag] else {
                    throw DataFileError(file: sentence.place, "tag '\(tag)' is not one the model knows (\(tags.count) tags: \(tags.prefix(12).joined(separator: " "))\(tags.count > 12 ? " …" : ""))")
                }
                return id
            }
            return Encoded(ids: ids.ids, tags: tagIDs, spelling: Self.spelling(sentence.tokens, characters))
        }
        return (encoded, unknown)
    }

    /// Each token's character ids (unknown characters as `<unk>`), or nothing without character features.
    static func spelling(_ tokens: [String], _ characters: Vocabulary?) -> [[Int32]] {
        guard let characters else { return [] }
        return tokens.map { characters.ids($0.unicodeScalars.map(String.init)) }
    }

    public var parameters: [NamedParameter] { model.namedParameters }
    public var itemName: String { "tokens" }
    public var stepsPerEpoch: Int {
        let count = (try? trainingSet().count) ?? 0
        return max((count + config.batch - 1) / config.batch, 1)
    }

    /// The training set, read back with the saved vocabularies when the session came from a run.
    func trainingSet() throws -> [Encoded] {
        if let train { return train }
        let data = try TaggingData.load(config, options)
        let encoded = try Self.encode(data.train, vocabulary: vocabulary, characters: characters, tags: tags).sentences
        train = encoded
        singletons = Self.singletons(encoded)
        return encoded
    }

    static func singletons(_ sentences: [Encoded]) -> Set<Int32> {
        var counts: [Int32: Int] = [:]
        for sentence in sentences { for id in sentence.ids { counts[id, default: 0] += 1 } }
        return Set(counts.filter { $0.value == 1 }.keys)
    }

    /// The sentences of step `step`'s global batch in ``EpochOrder`` (epoch e visits the training
    /// set in permutation e), each singleton read as `<unk>` with probability `--unk-rate` by a
    /// stream of the step's own (`seeds.data(step:)`), drawn over the whole batch in order, so a
    /// rank's rows read the same words as in one process.
    func globalBatch(step: Int) throws -> [Encoded] {
        let train = try trainingSet()
        let epoch = step / stepsPerEpoch, k = step % stepsPerEpoch
        if epochOrder?.epoch != epoch { epochOrder = (epoch, EpochOrder.permutation(count: train.count, epoch: epoch)) }
        let whole = epochOrder!.order[(k * config.batch)..<min((k + 1) * config.batch, train.count)]
        var draws = RandomGenerator(seed: seeds.data(step: step))
        let unknown = vocabulary.id(.unknown), rate = options.unkRate
        return whole.map { i in
            Encoded(ids: train[i].ids.map { id in singletons.contains(id) && rate > 0 && draws.nextUnit() < rate ? unknown : id },
                    tags: train[i].tags, spelling: train[i].spelling)
        }
    }

    /// Mean loss per real token of this rank's sentences of the step's batch.
    public func trainingLoss(step: Int, shard: BatchShard, rng: inout RandomGenerator) throws -> (loss: Variable, items: Int) {
        let picked = shard.part(of: try globalBatch(step: step))
        if picked.isEmpty { return (Variable(Tensor(scalar: 0)), 0) }
        let ids = picked.map(\.ids)
        let batch = TokenBatch(ids)
        let emissions = model.emissions(batch, spellings: characters == nil ? nil : picked.map(\.spelling), training: true, rng: &rng)
        let tokens = batch.lengths.reduce(0, +)
        return (model.summedLoss(emissions: emissions, gold: picked.map(\.tags), batch: batch, labelSmoothing: config.labelSmoothing) * (1 / Float(tokens)), tokens)
    }

    /// Scores the validation split (``score(_:prefix:)``).
    public func evaluate() throws -> [String: Double] {
        if validation == nil {
            let data = try TaggingData.load(config, options)
            validation = try Self.encode(data.validation, vocabulary: vocabulary, characters: characters, tags: tags)
        }
        return score(validation!.sentences, prefix: "val")
    }

    /// Scores another file of the run's layout (`recur eval --data`), as `eval_*` metrics.
    public func evaluate(file: URL) throws -> [String: Double] {
        let sentences = try TaggedFile.read(file, format: options.format, tagColumn: options.tagColumn)
        return score(try Self.encode(sentences, vocabulary: vocabulary, characters: characters, tags: tags).sentences, prefix: "eval")
    }

    /// Loss (nats per token), token accuracy, macro-F1 over tags and, for BIO/IOBES tag sets,
    /// entity precision, recall and F1 (``EntityScores``), in batches of similar length.
    func score(_ sentences: [Encoded], prefix: String) -> [String: Double] {
        var matrix = ConfusionMatrix(labels: tags)
        var totalLoss = 0.0, tokens = 0
        var truth = [[String]](repeating: [], count: sentences.count), predicted = truth
        var rng = RandomGenerator(seed: 0)
        let byLength = sentences.indices.sorted { sentences[$0].ids.count < sentences[$1].ids.count }
        for start in stride(from: 0, to: byLength.count, by: 256) {
            let indices = Array(byLength[start..<min(start + 256, byLength.count)])
            let chunk = indices.map { sentences[$0] }
            let batch = TokenBatch(chunk.map(\.ids))
            let (loss, decoded) = GradMode.withNoGrad { () -> (Float, [(path: [Int], probabilities: [Double])]) in
                let emissions = model.emissions(batch, spellings: characters == nil ? nil : chunk.map(\.spelling), training: false, rng: &rng)
                return (model.summedLoss(emissions: emissions, gold: chunk.map(\.tags), batch: batch).value.scalar,
                        model.decode(emissions: emissions.value, lengths: batch.lengths))
            }
            totalLoss += Double(loss)
            tokens += batch.lengths.reduce(0, +)
            for (i, (sentence, result)) in zip(indices, zip(chunk, decoded)) {
                for (gold, guess) in zip(sentence.tags, result.path) { matrix.add(truth: Int(gold), prediction: guess) }
                truth[i] = sentence.tags.map { tags[Int($0)] }
                predicted[i] = result.path.map { tags[$0] }
            }
        }
        var metrics = ["\(prefix)_loss": totalLoss / Double(max(tokens, 1)), "\(prefix)_token_accuracy": matrix.accuracy,
                       "\(prefix)_macro_f1": matrix.macroF1]
        var entities: EntityScores?
        if scheme.hasEntities {
            let scores = EntityScores(truth: truth, prediction: predicted)
            metrics["\(prefix)_entity_precision"] = scores.overall.precision
            metrics["\(prefix)_entity_recall"] = scores.overall.recall
            metrics["\(prefix)_entity_f1"] = scores.overall.f1
            entities = scores
        }
        lastReport = (matrix, entities, prefix)
        return metrics
    }

    public func evaluationReport() -> EvaluationReport? {
        guard let (matrix, entities, prefix) = lastReport else { return nil }
        // The matrix counts tokens; its table's closing line says "examples" (it is classification's).
        let table = matrix.table.replacingOccurrences(of: " examples)", with: " tokens)")
        var text = table
        text += "\ntag scheme: \(scheme == .none ? "none detected (tags are plain classes; no entity scores)" : "\(scheme.rawValue), detected from the tag names; entity scores as seqeval's default (conlleval) mode")"
        var files: [String: [UInt8]] = ["confusion.txt": Array((table + "\n").utf8)]
        if let entities {
            let entityTable = EntityReport.table(entities)
            text += "\n" + entityTable
            files["entities.txt"] = Array((entityTable + "\n").utf8)
        }
        let unknown = prefix == "val" ? validation?.unknown ?? [] : []
        if !unknown.isEmpty {
            text += "\n\(unknown.count) word\(unknown.count == 1 ? "" : "s") never seen in training, read as <unk>"
        }
        let title = "\(config.task) · \(config.stack.cell)\(options.crf ? " + CRF" : "") · \(prefix == "val" ? "validation" : "evaluation") (\(matrix.total) tokens)"
        files["confusion.svg"] = Array(ConfusionHeatmap.svg(labels: matrix.labels, counts: matrix.counts, accuracy: matrix.accuracy, macroF1: matrix.macroF1, title: title).utf8)
        return EvaluationReport(text: text, files: files)
    }

    public func artifacts() throws -> [String: Data] {
        var files = ["vocab.json": try vocabulary.encoded(), "tags.json": try JSONSerialization.data(withJSONObject: tags)]
        if let characters { files["chars.json"] = try characters.encoded() }
        return files
    }
}
