import Foundation
import RecurKit

/// A captioning run: images with reference captions, the CNN + attention decoder, training by
/// teacher forcing on one reference per image (its first, or one drawn afresh each step:
/// `--reference`), and evaluation by greedy
/// decoding against all references (BLEU-4, exact match, token accuracy) on `val` and, for the
/// shapes world, `heldout` (unseen colour–shape pairs).
public final class CaptioningSession: TaskSession {
    public let config: RunConfig
    public let options: CaptioningOptions
    let vocabulary: Vocabulary
    /// Words of the longest training caption.
    let longestCaption: Int
    let model: CaptioningModel
    let seeds: Seeds
    private var loadedCorpus: CaptionCorpus?
    private var epochBatches: (epoch: Int, batches: [[Int]])?

    public init(config: RunConfig, options: CaptioningOptions, context: TaskContext) throws {
        self.config = config
        self.options = options
        seeds = context.seeds
        if let saved = context.artifacts?["vocab.json"] {
            let stored = try StoredCaptionVocabulary.decode(saved)
            vocabulary = try Vocabulary.decode(tokens: stored.words, specials: .sequence, source: "vocab.json")
            longestCaption = stored.longestCaption
        } else {
            let corpus = try CaptionCorpus.load(config: config, options: options)
            loadedCorpus = corpus
            let captions = corpus.train.references.flatMap { $0 }
            vocabulary = Vocabulary(specials: .sequence, training: captions)
            longestCaption = captions.map(\.count).max() ?? 1
        }
        var rng = RandomGenerator(seed: context.seeds.model)
        model = try CaptioningModel(vocabularySize: vocabulary.count, options: options, stack: config.stack,
                                    cells: context.cells, rng: &rng)
    }

    func corpus() throws -> CaptionCorpus {
        if let loadedCorpus { return loadedCorpus }
        loadedCorpus = try CaptionCorpus.load(config: config, options: options)
        return loadedCorpus!
    }

    public var parameters: [NamedParameter] { model.namedParameters }
    public var itemName: String { "images" }
    public var stepsPerEpoch: Int {
        let count = (try? corpus().train.count) ?? 1
        return (count + config.batch - 1) / config.batch
    }

    /// Most words generated: `--decode-len`, or the longest training caption + its `<eos>`.
    var decodeLength: Int { options.decodeLength > 0 ? options.decodeLength : longestCaption + 1 }

    public func trainingLoss(step: Int, shard: BatchShard, rng: inout RandomGenerator) throws -> (loss: Variable, items: Int) {
        let train = try corpus().train
        let epoch = step / stepsPerEpoch
        if epochBatches?.epoch != epoch {
            epochBatches = (epoch, EpochOrder.batches(count: train.count, epoch: epoch, batch: config.batch))
        }
        let whole = epochBatches!.batches[step % stepsPerEpoch]
        // One reference per image, drawn from the step's own stream: the same on every rank and
        // after a resume.
        var pick = RandomGenerator(seed: seeds.data(step: step))
        let chosen = whole.map { i in
            options.reference == .first ? train.references[i][0] : train.references[i][pick.below(train.references[i].count)]
        }
        let mine = shard.part(of: Array(zip(whole, chosen)))
        guard !mine.isEmpty else { return (Variable(Tensor(scalar: 0)), 0) }
        let indices = mine.map(\.0), captions = mine.map(\.1)
        let batch = CaptionBatch(captions.map { vocabulary.ids($0) })
        let memory = model.memory(indices.map(train.image))
        let (logits, alphas) = model.decoder.teacherForced(batch.inputs, steps: batch.steps, memory: memory, training: true, rng: &rng)
        var loss = crossEntropy(logits: logits.reshaped([batch.batch * batch.steps, vocabulary.count]), targets: batch.targets,
                                ignoreIndex: SpecialTokens.sequence.id(.pad), labelSmoothing: config.labelSmoothing)
        if let alphas, options.alphaPenalty > 0 {
            loss = loss + CaptionDecoder.attentionPenalty(alphas, mask: batch.mask) * options.alphaPenalty
        }
        return (loss, indices.count)
    }

    public func evaluate() throws -> [String: Double] {
        var metrics: [String: Double] = [:]
        for set in try corpus().evaluation { metrics.merge(score(set)) { $1 } }
        return metrics
    }

    /// Teacher-forced loss on each image's first reference (nats per word), then greedy
    /// captions scored against all references, in batches of `--batch`.
    func score(_ set: CaptionSet) -> [String: Double] {
        var rng = RandomGenerator(seed: 0)
        var nats = 0.0, tokens = 0
        var scores = CaptionScores()
        for start in stride(from: 0, to: set.count, by: config.batch) {
            let indices = Array(start..<min(start + config.batch, set.count))
            GradMode.withNoGrad {
                let memory = model.memory(indices.map(set.image))
                let batch = CaptionBatch(indices.map { vocabulary.ids(set.references[$0][0]) })
                let logits = model.decoder.teacherForced(batch.inputs, steps: batch.steps, memory: memory, training: false, rng: &rng).logits
                nats += Double(crossEntropy(logits: logits.reshaped([batch.batch * batch.steps, vocabulary.count]), targets: batch.targets,
                                            ignoreIndex: SpecialTokens.sequence.id(.pad), reduction: .sum).value.scalar)
                tokens += batch.tokenCount
                for (i, caption) in zip(indices, model.decoder.greedy(memory, maxSteps: decodeLength)) {
                    scores.add(caption.ids.map(vocabulary.token), references: set.references[i])
                }
            }
        }
        var metrics = scores.metrics(prefix: set.name)
        metrics["\(set.name)_loss"] = nats / Double(max(tokens, 1))
        return metrics
    }

    public func artifacts() throws -> [String: Data] {
        ["vocab.json": try StoredCaptionVocabulary(words: vocabulary.tokens, longestCaption: longestCaption).encoded()]
    }

    /// The caption of one image file, by beam search (width 1: greedy).
    func caption(_ image: Image, beam: Int) -> GeneratedCaption {
        GradMode.withNoGrad { model.decoder.beamSearch(model.memory([image]), width: beam, maxSteps: decodeLength) }
    }
}

/// `vocab.json` of a captioning run: the words (specials first) and the longest training
/// caption, which sets the default decode length when the data is not at hand.
struct StoredCaptionVocabulary: Codable {
    var words: [String]
    var longestCaption: Int

    enum CodingKeys: String, CodingKey { case words, longestCaption = "longest_caption" }

    func encoded() throws -> Data { try JSONEncoder().encode(self) }

    static func decode(_ data: Data) throws -> StoredCaptionVocabulary {
        guard let stored = try? JSONDecoder().decode(StoredCaptionVocabulary.self, from: data) else {
            throw DataFileError(file: "vocab.json", "not a captioning vocabulary (expected {\"words\": [...], \"longest_caption\": N})")
        }
        guard (1...1000).contains(stored.longestCaption) else {
            throw DataFileError(file: "vocab.json", "longest_caption \(stored.longestCaption) is out of range 1…1000")
        }
        return stored
    }
}
