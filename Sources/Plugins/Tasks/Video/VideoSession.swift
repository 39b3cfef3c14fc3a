import Foundation
import RecurKit

/// A video run: clips, the frame CNN + encoder stack, and either a caption decoder attending over
/// frames (BLEU-4, exact match, token accuracy against all references) or, with `--per-frame`,
/// a label for every frame (frame accuracy, and exact match: the share of clips with every
/// frame right).
public final class VideoSession: TaskSession {
    public let config: RunConfig
    public let options: VideoOptions
    let words: Vocabulary
    let labels: [String]
    let longestCaption: Int
    let model: VideoModel
    let seeds: Seeds
    private var loadedCorpus: ClipCorpus?
    private var epochBatches: (epoch: Int, batches: [[Int]])?

    public init(config: RunConfig, options: VideoOptions, context: TaskContext) throws {
        self.config = config
        self.options = options
        seeds = context.seeds
        if let saved = context.artifacts?["vocab.json"] {
            let stored = try StoredVideoVocabulary.decode(saved)
            words = try Vocabulary.decode(tokens: stored.words, specials: .sequence, source: "vocab.json")
            labels = stored.labels
            longestCaption = stored.longestCaption
        } else {
            let corpus = try ClipCorpus.load(config: config, options: options)
            loadedCorpus = corpus
            let captions = corpus.train.captions.flatMap { $0 }
            words = Vocabulary(specials: .sequence, training: captions)
            labels = Array(Set(corpus.train.frameLabels.flatMap { $0 })).sorted()
            longestCaption = captions.map(\.count).max() ?? 1
        }
        if options.perFrame && labels.isEmpty { throw TaskError("--per-frame: the training clips have no frame labels") }
        var rng = RandomGenerator(seed: context.seeds.model)
        model = try VideoModel(words: words.count, labels: max(labels.count, 1), options: options, stack: config.stack,
                               cells: context.cells, rng: &rng)
    }

    func corpus() throws -> ClipCorpus {
        if let loadedCorpus { return loadedCorpus }
        loadedCorpus = try ClipCorpus.load(config: config, options: options)
        return loadedCorpus!
    }

    public var parameters: [NamedParameter] { model.namedParameters }
    public var itemName: String { "clips" }
    public var stepsPerEpoch: Int {
        let count = (try? corpus().train.count) ?? 1
        return (count + config.batch - 1) / config.batch
    }

    var decodeLength: Int { options.decodeLength > 0 ? options.decodeLength : longestCaption + 1 }

    /// Label ids of clips' frames, time-major `[T·B]` for T = the longest clip; padding and
    /// labels training never saw are -1 (not scored as right, never a target).
    func labelTargets(_ clips: [Int], in set: ClipSet, steps: Int) -> [Int32] {
        var targets = [Int32](repeating: -1, count: steps * clips.count)
        for (i, clip) in clips.enumerated() {
            for (t, label) in set.frameLabels[clip].enumerated() {
                targets[t * clips.count + i] = labels.firstIndex(of: label).map(Int32.init) ?? -1
            }
        }
        return targets
    }

    public func trainingLoss(step: Int, shard: BatchShard, rng: inout RandomGenerator) throws -> (loss: Variable, items: Int) {
        let train = try corpus().train
        let epoch = step / stepsPerEpoch
        if epochBatches?.epoch != epoch {
            epochBatches = (epoch, EpochOrder.batches(count: train.count, epoch: epoch, batch: config.batch))
        }
        let whole = epochBatches!.batches[step % stepsPerEpoch]
        var pick = RandomGenerator(seed: seeds.data(step: step))
        let chosen = whole.map { train.captions[$0][pick.below(train.captions[$0].count)] }
        let mine = shard.part(of: Array(zip(whole, chosen)))
        guard !mine.isEmpty else { return (Variable(Tensor(scalar: 0)), 0) }
        let clips = mine.map(\.0)
        let encoded = model.encode(clips.map(train.frames), training: true, rng: &rng)
        if let labeller = model.labeller {
            let steps = encoded.mask.shape[0]
            let logits = labeller(encoded.frames).reshaped([steps * clips.count, labels.count])
            return (crossEntropy(logits: logits, targets: labelTargets(clips, in: train, steps: steps), ignoreIndex: -1,
                                 labelSmoothing: config.labelSmoothing), clips.count)
        }
        let batch = CaptionBatch(mine.map { words.ids($0.1) })
        let (logits, _) = model.decoder!.teacherForced(batch.inputs, steps: batch.steps, memory: model.memory(encoded),
                                                       training: true, rng: &rng)
        return (crossEntropy(logits: logits.reshaped([batch.batch * batch.steps, words.count]), targets: batch.targets,
                             ignoreIndex: SpecialTokens.sequence.id(.pad), labelSmoothing: config.labelSmoothing), clips.count)
    }

    public func evaluate() throws -> [String: Double] {
        var metrics: [String: Double] = [:]
        for set in try corpus().evaluation { metrics.merge(score(set)) { $1 } }
        return metrics
    }

    func score(_ set: ClipSet) -> [String: Double] {
        var rng = RandomGenerator(seed: 0)
        var nats = 0.0, counted = 0, right = 0, total = 0, wholeClips = 0
        var scores = CaptionScores()
        for start in stride(from: 0, to: set.count, by: config.batch) {
            let clips = Array(start..<min(start + config.batch, set.count))
            GradMode.withNoGrad {
                let encoded = model.encode(clips.map(set.frames), training: false, rng: &rng)
                if let labeller = model.labeller {
                    let steps = encoded.mask.shape[0]
                    let logits = labeller(encoded.frames).reshaped([steps * clips.count, labels.count])
                    let targets = labelTargets(clips, in: set, steps: steps)
                    nats += Double(crossEntropy(logits: logits, targets: targets, ignoreIndex: -1, reduction: .sum).value.scalar)
                    counted += targets.filter { $0 >= 0 }.count
                    let guesses = logits.value.argmax(axis: -1)
                    for (i, clip) in clips.enumerated() {
                        let frames = set.frameLabels[clip].count
                        let hits = (0..<frames).filter { t in targets[t * clips.count + i] >= 0 && guesses[t * clips.count + i] == Int(targets[t * clips.count + i]) }.count
                        right += hits
                        total += frames
                        if hits == frames { wholeClips += 1 }
                    }
                } else {
                    let memory = model.memory(encoded)
                    let batch = CaptionBatch(clips.map { words.ids(set.captions[$0][0]) })
                    let logits = model.decoder!.teacherForced(batch.inputs, steps: batch.steps, memory: memory, training: false, rng: &rng).logits
                    nats += Double(crossEntropy(logits: logits.reshaped([batch.batch * batch.steps, words.count]), targets: batch.targets,
                                                ignoreIndex: SpecialTokens.sequence.id(.pad), reduction: .sum).value.scalar)
                    counted += batch.tokenCount
                    for (clip, caption) in zip(clips, model.decoder!.greedy(memory, maxSteps: decodeLength)) {
                        scores.add(caption.ids.map(words.token), references: set.captions[clip])
                    }
                }
            }
        }
        var metrics = ["\(set.name)_loss": nats / Double(max(counted, 1))]
        if model.labeller != nil {
            metrics["\(set.name)_frame_accuracy"] = Double(right) / Double(max(total, 1))
            // A clip is an exact match when every frame's label is right (so --per-frame runs
            // monitor val_exact_match too).
            metrics["\(set.name)_exact_match"] = Double(wholeClips) / Double(max(set.count, 1))
        } else {
            metrics.merge(scores.metrics(prefix: set.name)) { $1 }
        }
        return metrics
    }

    public func artifacts() throws -> [String: Data] {
        ["vocab.json": try JSONEncoder().encode(StoredVideoVocabulary(words: words.tokens, labels: labels, longestCaption: longestCaption))]
    }
}

/// `vocab.json` of a video run: caption words (specials first), frame labels in class order,
/// and the longest training caption.
struct StoredVideoVocabulary: Codable {
    var words: [String]
    var labels: [String]
    var longestCaption: Int

    enum CodingKeys: String, CodingKey { case words, labels, longestCaption = "longest_caption" }

    static func decode(_ data: Data) throws -> StoredVideoVocabulary {
        guard let stored = try? JSONDecoder().decode(StoredVideoVocabulary.self, from: data) else {
            throw DataFileError(file: "vocab.json", "not a video vocabulary (expected {\"words\": [...], \"labels\": [...], \"longest_caption\": N})")
        }
        guard (1...1000).contains(stored.longestCaption), Set(stored.labels).count == stored.labels.count else {
            throw DataFileError(file: "vocab.json", "longest_caption must be in 1…1000 and labels without repeats")
        }
        return stored
    }
}
