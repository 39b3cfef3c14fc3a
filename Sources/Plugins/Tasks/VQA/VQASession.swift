import Foundation
import RecurKit

/// A VQA run: images with questions, the CNN + question encoder + stacked attention, trained as
/// classification over the training answers; evaluated by accuracy overall and per question type
/// on `val` and, for the shapes world, `heldout`.
public final class VQASession: TaskSession {
    public let config: RunConfig
    public let options: VQAOptions
    let questionWords: Vocabulary
    let answers: [String]
    let model: VQAModel
    private var loadedCorpus: QuestionCorpus?
    private var epochBatches: (epoch: Int, batches: [[Int]])?

    public init(config: RunConfig, options: VQAOptions, context: TaskContext) throws {
        self.config = config
        self.options = options
        if let saved = context.artifacts?["vocab.json"] {
            let stored = try StoredVQAVocabulary.decode(saved)
            questionWords = try Vocabulary.decode(tokens: stored.questionWords, specials: .padUnknown, source: "vocab.json")
            answers = stored.answers
        } else {
            let corpus = try QuestionCorpus.load(config: config, options: options)
            loadedCorpus = corpus
            questionWords = Vocabulary(specials: .padUnknown, training: corpus.train.questions.map { Self.words($0.question) })
            answers = Array(Set(corpus.train.questions.map(\.answer))).sorted()
        }
        var rng = RandomGenerator(seed: context.seeds.model)
        model = try VQAModel(questionVocabulary: questionWords.count, answers: answers.count, options: options,
                             stack: config.stack, cells: context.cells, rng: &rng)
    }

    static func words(_ question: String) -> [String] { question.split(separator: " ").map(String.init) }

    func corpus() throws -> QuestionCorpus {
        if let loadedCorpus { return loadedCorpus }
        loadedCorpus = try QuestionCorpus.load(config: config, options: options)
        return loadedCorpus!
    }

    public var parameters: [NamedParameter] { model.namedParameters }
    public var itemName: String { "questions" }
    public var stepsPerEpoch: Int {
        let count = (try? corpus().train.count) ?? 1
        return (count + config.batch - 1) / config.batch
    }

    /// Answer ids; an answer training never gave is -1 (always wrong, never a training target).
    func answerIDs(_ questions: [VisualQuestion]) -> [Int32] {
        questions.map { q in answers.firstIndex(of: q.answer).map(Int32.init) ?? -1 }
    }

    func logits(_ questions: [VisualQuestion], in set: QuestionSet, training: Bool,
                rng: inout RandomGenerator) -> (logits: Variable, hops: [Tensor]) {
        let batch = TokenBatch(questions.map { questionWords.encode(Self.words($0.question)).ids })
        return model(batch, images: questions.map { set.image($0.image) }, training: training, rng: &rng)
    }

    public func trainingLoss(step: Int, shard: BatchShard, rng: inout RandomGenerator) throws -> (loss: Variable, items: Int) {
        let train = try corpus().train
        let epoch = step / stepsPerEpoch
        if epochBatches?.epoch != epoch {
            epochBatches = (epoch, EpochOrder.batches(count: train.count, epoch: epoch, batch: config.batch))
        }
        let indices = shard.part(of: epochBatches!.batches[step % stepsPerEpoch])
        guard !indices.isEmpty else { return (Variable(Tensor(scalar: 0)), 0) }
        let questions = indices.map { train.questions[$0] }
        let output = logits(questions, in: train, training: true, rng: &rng)
        return (crossEntropy(logits: output.logits, targets: answerIDs(questions), labelSmoothing: config.labelSmoothing), indices.count)
    }

    public func evaluate() throws -> [String: Double] {
        var metrics: [String: Double] = [:]
        for set in try corpus().evaluation { metrics.merge(score(set)) { $1 } }
        return metrics
    }

    /// Loss (nats per question, over answers training knows), accuracy, and accuracy per type.
    func score(_ set: QuestionSet) -> [String: Double] {
        var rng = RandomGenerator(seed: 0)
        var nats = 0.0, known = 0, correct = 0
        var perKind: [String: (correct: Int, total: Int)] = [:]
        for start in stride(from: 0, to: set.count, by: config.batch) {
            let questions = Array(set.questions[start..<min(start + config.batch, set.count)])
            let targets = answerIDs(questions)
            GradMode.withNoGrad {
                let output = logits(questions, in: set, training: false, rng: &rng).logits
                nats += Double(crossEntropy(logits: output, targets: targets, ignoreIndex: -1, reduction: .sum).value.scalar)
                known += targets.filter { $0 >= 0 }.count
                for (q, (target, guess)) in zip(questions, zip(targets, output.value.argmax(axis: -1))) {
                    let right = Int(target) == guess
                    if right { correct += 1 }
                    perKind[q.kind, default: (0, 0)].correct += right ? 1 : 0
                    perKind[q.kind, default: (0, 0)].total += 1
                }
            }
        }
        var metrics = ["\(set.name)_loss": nats / Double(max(known, 1)),
                       "\(set.name)_accuracy": Double(correct) / Double(max(set.count, 1))]
        for (kind, counts) in perKind { metrics["\(set.name)_\(kind)_accuracy"] = Double(counts.correct) / Double(counts.total) }
        return metrics
    }

    public func artifacts() throws -> [String: Data] {
        ["vocab.json": try JSONEncoder().encode(StoredVQAVocabulary(questionWords: questionWords.tokens, answers: answers))]
    }
}

/// `vocab.json` of a VQA run: the question words (specials first) and the answers, in class order.
struct StoredVQAVocabulary: Codable {
    var questionWords: [String]
    var answers: [String]

    enum CodingKeys: String, CodingKey { case questionWords = "question_words", answers }

    static func decode(_ data: Data) throws -> StoredVQAVocabulary {
        guard let stored = try? JSONDecoder().decode(StoredVQAVocabulary.self, from: data) else {
            throw DataFileError(file: "vocab.json", "not a VQA vocabulary (expected {\"question_words\": [...], \"answers\": [...]})")
        }
        guard !stored.answers.isEmpty, Set(stored.answers).count == stored.answers.count else {
            throw DataFileError(file: "vocab.json", "answers must be a non-empty list without repeats")
        }
        return stored
    }
}
