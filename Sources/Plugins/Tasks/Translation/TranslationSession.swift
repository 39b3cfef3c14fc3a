import Foundation
import RecurKit

/// A translation run: the data, the encoder–decoder, training batches in the SplitMix64 epoch
/// order, and evaluation by greedy decoding (BLEU, exact match, token accuracy).
public final class TranslationSession: TaskSession, ExternallyEvaluable {
    public let config: RunConfig
    public let options: TranslationOptions
    public let vocabularies: TranslationVocabularies
    public let source: Vocabulary
    public let target: Vocabulary
    public let model: TranslationModel
    /// Loaded on first use when the session was opened from a saved run.
    private var loadedCorpus: TranslationCorpus?
    private var epochBatches: (epoch: Int, batches: [[Int]])?

    public init(config: RunConfig, options: TranslationOptions = .init(), context: TaskContext) throws {
        self.config = config
        self.options = options
        if let saved = context.artifacts?["vocab.json"] {
            vocabularies = try TranslationVocabularies.decode(saved, source: "vocab.json")
        } else {
            let corpus = try TranslationSession.loadCorpus(config: config, options: options)
            loadedCorpus = corpus
            vocabularies = TranslationVocabularies(corpus: corpus)
        }
        source = Vocabulary(specials: .sequence, tokens: vocabularies.source)
        target = Vocabulary(specials: .sequence, tokens: vocabularies.target)
        var rng = RandomGenerator(seed: context.seeds.model)
        model = try TranslationModel(sourceVocabulary: source.count, targetVocabulary: target.count,
                                     embedding: options.embedding, stack: config.stack, attention: options.attention,
                                     inputFeeding: options.inputFeeding,
                                     cells: context.cells, rng: &rng)
        model.embeddingDropout = config.embeddingDropout
    }

    /// `--data` (a TSV file or a zip holding one) or, without it, the generated dates.
    static func loadCorpus(config: RunConfig, options: TranslationOptions) throws -> TranslationCorpus {
        let pairs: [SentencePair], name: String
        if let data = config.data {
            pairs = try SentencePairs.load(URL(fileURLWithPath: data), member: options.zipMember)
            name = data
        } else {
            pairs = DateCorpus.pairs(count: options.generatedPairs)
            name = "generated dates"
        }
        let valid = try options.validation.map { try SentencePairs.load(URL(fileURLWithPath: $0), member: nil) }
        return try TranslationCorpus(pairs: pairs, valid: valid, options: options, file: name)
    }

    func corpus() throws -> TranslationCorpus {
        if let loadedCorpus { return loadedCorpus }
        let loaded = try TranslationSession.loadCorpus(config: config, options: options)
        loadedCorpus = TranslationCorpus(train: loaded.train.map { ($0.sourceTokens, $0.targetTokens) },
                                         test: loaded.test.map { ($0.sourceTokens, $0.targetTokens) },
                                         source: source, target: target)
        return loadedCorpus!
    }

    public var parameters: [NamedParameter] { model.namedParameters }
    public var itemName: String { "tokens" }
    public var stepsPerEpoch: Int {
        let count = (try? corpus().train.count) ?? 1
        return (count + config.batch - 1) / config.batch
    }

    /// Most decoder steps: `--decode-len`, or the longest training target + its `<eos>`.
    public var decodeLength: Int { options.decodeLength > 0 ? options.decodeLength : vocabularies.maxTargetLength + 1 }

    public func trainingLoss(step: Int, shard: BatchShard, rng: inout RandomGenerator) throws -> (loss: Variable, items: Int) {
        let train = try corpus().train
        let epoch = step / stepsPerEpoch
        if epochBatches?.epoch != epoch {
            epochBatches = (epoch, EpochOrder.batches(count: train.count, epoch: epoch, batch: config.batch,
                                                      bucketed: options.bucket) { train[$0].source.count })
        }
        let whole = epochBatches!.batches[step % stepsPerEpoch]
        let indices = shard.part(of: whole)
        if indices.isEmpty { return (Variable(Tensor(scalar: 0)), 0) }
        let batch = PairBatch(sources: indices.map { train[$0].source }, targets: indices.map { train[$0].target })
        let logits = teacherForcedLogits(batch, training: true, rng: &rng)
        let loss = crossEntropy(logits: logits.reshaped([batch.batch * batch.targetSteps, target.count]),
                                targets: batch.targets, ignoreIndex: SpecialTokens.sequence.id(.pad), labelSmoothing: config.labelSmoothing)
        return (loss, batch.targetTokenCount)
    }

    /// Logits `[B, T, Vt]`. With `--teacher-forcing` 1 the whole target is one decoder call; below
    /// 1 each step feeds the gold token with that probability, else the model's own argmax.
    func teacherForcedLogits(_ batch: PairBatch, training: Bool, rng: inout RandomGenerator) -> Variable {
        let encoded = model.encode(batch.source, mask: batch.sourceMask, training: training, rng: &rng)
        if !training || options.teacherForcing >= 1 {
            return model.decode(batch.decoderInput, steps: batch.targetSteps, mask: batch.decoderMask, state: encoded.state,
                                source: encoded, training: training, rng: &rng).logits
        }
        let b = batch.batch
        var state = encoded.state
        var inputs = Array(batch.decoderInput[0..<b])
        var steps: [Variable] = []
        for t in 0..<batch.targetSteps {
            let mask = Tensor(shape: [1, b], scalars: Array(batch.decoderMask.scalars[(t * b)..<((t + 1) * b)]))
            let (logits, _, next) = model.decode(inputs, steps: 1, mask: mask, state: state, source: encoded, training: true, rng: &rng)
            steps.append(logits)
            state = next
            guard t + 1 < batch.targetSteps else { break }
            let own = logits.value.argmax(axis: -1)
            for i in 0..<b {
                inputs[i] = rng.nextUnit() < options.teacherForcing ? batch.decoderInput[(t + 1) * b + i] : Int32(own[i])
            }
        }
        return concat(steps, axis: 1)
    }

    public func evaluate() throws -> [String: Double] { score(try corpus().test, prefix: "val") }

    public func evaluate(file: URL) throws -> [String: Double] {
        let pairs = try SentencePairs.load(file, member: options.zipMember)
        let tokens = TranslationCorpus.tokenised(pairs, options: options)
        guard !tokens.isEmpty else { throw DataFileError(file: file.path, "no pairs are left after --max-len / --prefixes filtering") }
        // As `translate` does: a pair far longer than anything trained on would only cost memory
        // (the tape holds every step) for a score that means nothing.
        let limits = (max(vocabularies.maxSourceLength, 1) * 2, max(vocabularies.maxTargetLength, 1) * 2)
        if let (n, pair) = tokens.enumerated().first(where: { $0.element.0.count > limits.0 || $0.element.1.count > limits.1 }) {
            throw DataFileError(file: file.path, "pair \(n + 1) has \(pair.0.count) source and \(pair.1.count) target tokens; this model was trained on at most \(vocabularies.maxSourceLength) and \(vocabularies.maxTargetLength) and scores up to \(limits.0) and \(limits.1)")
        }
        return score(TranslationCorpus(train: [], test: tokens, source: source, target: target).test, prefix: "eval")
    }

    /// Teacher-forced loss (nats per target token) and token accuracy, then greedy decoding for
    /// BLEU-4 (sacreBLEU `tokenize='none'`) and exact match, in batches of `--batch`.
    func score(_ pairs: [EncodedPair], prefix: String) -> [String: Double] {
        var rng = RandomGenerator(seed: 0)
        var nats = 0.0, tokens = 0, correct = 0, exact = 0
        var bleu = BLEU()
        for start in stride(from: 0, to: pairs.count, by: config.batch) {
            let chunk = Array(pairs[start..<min(start + config.batch, pairs.count)])
            let batch = PairBatch(sources: chunk.map(\.source), targets: chunk.map(\.target))
            GradMode.withNoGrad {
                let logits = teacherForcedLogits(batch, training: false, rng: &rng)
                let flat = logits.reshaped([batch.batch * batch.targetSteps, target.count])
                nats += Double(crossEntropy(logits: flat, targets: batch.targets, ignoreIndex: SpecialTokens.sequence.id(.pad), reduction: .sum).value.scalar)
                for (gold, predicted) in zip(batch.targets, flat.value.argmax(axis: -1)) where gold != SpecialTokens.sequence.id(.pad) {
                    if predicted == Int(gold) { correct += 1 }
                    tokens += 1
                }
                let hypotheses = model.greedy(chunk.map(\.source), maxSteps: decodeLength)
                for (pair, hypothesis) in zip(chunk, hypotheses) {
                    let words = hypothesis.ids.map(target.token)
                    bleu.add(hypothesis: words, reference: pair.targetTokens)
                    if words == pair.targetTokens { exact += 1 }
                }
            }
        }
        let loss = nats / Double(max(tokens, 1))
        let precisions = bleu.precisions()
        return [
            "\(prefix)_loss": loss, "\(prefix)_perplexity": exp(loss),
            "\(prefix)_bleu": bleu.score(), "\(prefix)_brevity_penalty": bleu.brevityPenalty,
            "\(prefix)_bleu_p1": precisions[0], "\(prefix)_bleu_p2": precisions[1],
            "\(prefix)_bleu_p3": precisions[2], "\(prefix)_bleu_p4": precisions[3],
            "\(prefix)_exact_match": Double(exact) / Double(pairs.count),
            "\(prefix)_token_accuracy": Double(correct) / Double(max(tokens, 1)),
        ]
    }

    public func artifacts() throws -> [String: Data] { ["vocab.json": try vocabularies.encoded()] }

    public func translate(_ text: String, beam: Int) throws -> Translation {
        guard beam >= 1 else { throw TaskError("--beam must be at least 1 (got \(beam))") }
        let tokens = options.tokenizer.tokens(text)
        guard !tokens.isEmpty else {
            throw TaskError("nothing to translate: \"\(text)\" has no tokens after \(options.tokenizer == .tutorial ? "the tutorial normalisation (ASCII letters and . ! ? only)" : "tokenisation")")
        }
        let limit = max(vocabularies.maxSourceLength, 1) * 2
        guard tokens.count <= limit else {
            throw TaskError("the input has \(tokens.count) tokens; this model was trained on sources of at most \(vocabularies.maxSourceLength) tokens and accepts up to \(limit). Split the sentence.")
        }
        let ids = source.ids(tokens)
        let hypothesis = GradMode.withNoGrad { model.beamSearch(ids, width: beam, maxSteps: decodeLength) }
        let words = hypothesis.ids.map(target.token)
        return Translation(sourceTokens: ids.map(source.token) + ["<eos>"], targetTokens: words,
                           text: options.tokenizer.detokenize(words), attention: hypothesis.attention,
                           unknownTokens: tokens.filter { !source.contains($0) }, logProbability: hypothesis.logProbability)
    }
}
