import Foundation
import RecurKit
import RecurPlot

/// A classification run: the labelled data (or, for a saved run, its labels and vocabulary), the
/// model, and the latest confusion matrix.
public final class ClassificationSession: TaskSession, EvaluationReporting, ExternallyEvaluable {
    /// A text as token ids with its class index.
    struct Encoded {
        var ids: [Int32]
        var label: Int32
    }

    public let config: RunConfig
    public let options: ClassificationOptions
    public let labels: [String]
    public let vocabulary: Vocabulary
    public let model: SequenceClassifier
    /// The training texts; a session loaded from a saved run (resume) reads them on first use.
    private var train: [Encoded]?
    /// The validation texts and the tokens among them never seen in training (read as `<unk>`);
    /// a session loaded for inference builds them from its run's data on first use.
    private var validation: (examples: [Encoded], unknown: [String])?
    private var classWeights: [Float]?
    private var epochOrder: (epoch: Int, order: [Int])?
    private var lastReport: (matrix: ConfusionMatrix, prefix: String)?
    /// Unseen tokens of the last outside file scored by `evaluate(file:)`.
    private var lastUnknown: [String] = []

    public init(config: RunConfig, options: ClassificationOptions = .init(), context: TaskContext) throws {
        self.config = config
        self.options = options
        if let artifacts = context.artifacts, let vocab = artifacts["vocab.json"], let labelFile = artifacts["labels.json"] {
            vocabulary = try Vocabulary.decode(vocab, specials: .padUnknown, source: "vocab.json")
            guard let names = try? JSONSerialization.jsonObject(with: labelFile) as? [String], names.count >= 2 else {
                throw DataFileError(file: "labels.json", "not a label list (expected a JSON array of at least 2 class names)")
            }
            if let twice = firstDuplicate(names) { throw DataFileError(file: "labels.json", "the class \(twice.debugDescription) is listed twice") }
            labels = names
            (train, validation, classWeights) = (nil, nil, nil)
        } else {
            let options = self.options
            let data = try Self.data(config, options)
            let trainTokens = try data.train.map { try Self.tokens(of: $0, options) }
            let vocabulary = Vocabulary(specials: .padUnknown, training: trainTokens)
            let classIndex = Dictionary(uniqueKeysWithValues: data.labels.enumerated().map { ($0.element, Int32($0.offset)) })
            let train = zip(trainTokens, data.train).map { Encoded(ids: vocabulary.encode($0).ids, label: classIndex[$1.label]!) }
            validation = try Self.encode(data.validation, vocabulary: vocabulary, labels: data.labels, options: options)
            self.vocabulary = vocabulary
            self.train = train
            labels = data.labels
            classWeights = Self.classWeights(train, classes: data.labels.count, options)
        }
        var rng = RandomGenerator(seed: context.seeds.model)
        model = try SequenceClassifier(vocabularySize: vocabulary.count, embedding: options.embedding, classes: labels.count,
                                       stack: config.stack, pooling: options.pooling, cells: context.cells, rng: &rng)
        model.embeddingDropout = config.embeddingDropout
    }

    /// The run's labelled data: `--data` (or the default word lists) and `--valid`.
    static func data(_ config: RunConfig, _ options: ClassificationOptions) throws -> ClassificationData {
        let examples = try config.data.map { try LabelledExamples.read(URL(fileURLWithPath: $0)) } ?? WordListCorpus.examples()
        let given = try options.validation.map { try LabelledExamples.read(URL(fileURLWithPath: $0)) }
        return try ClassificationData(examples: examples, validation: given, source: config.data ?? WordListCorpus.description)
    }

    /// Ids and class indices of `examples`, and the tokens among them outside the vocabulary.
    static func encode(_ examples: [LabelledText], vocabulary: Vocabulary, labels: [String],
                       options: ClassificationOptions) throws -> (examples: [Encoded], unknown: [String]) {
        let classIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($0.element, Int32($0.offset)) })
        var unknown: [String] = []
        let encoded = try examples.map { example -> Encoded in
            guard let label = classIndex[example.label] else {
                throw DataFileError(file: example.place, "class '\(example.label)' is not one the model knows: \(labels.joined(separator: ", "))")
            }
            let ids = vocabulary.encode(try tokens(of: example, options))
            for token in ids.unknown where !unknown.contains(token) { unknown.append(token) }
            return Encoded(ids: ids.ids, label: label)
        }
        return (encoded, unknown)
    }

    /// The tokens of a data example, refusing one longer than `--max-length`.
    static func tokens(of example: LabelledText, _ options: ClassificationOptions) throws -> [String] {
        let tokens = options.tokens.tokenizer.tokens(example.text)
        guard !tokens.isEmpty else { throw DataFileError(file: example.place, "empty text (no \(options.tokens.rawValue) tokens) for label '\(example.label)'") }
        guard tokens.count <= options.maxLength else {
            throw DataFileError(file: example.place, "text of \(tokens.count) \(options.tokens.rawValue) tokens is longer than --max-length \(options.maxLength); raise --max-length or shorten the text")
        }
        return tokens
    }

    /// `w_c = n / (C · n_c)`: every class contributes the same total weight to the loss.
    static func balancedWeights(_ labels: [Int32], classes: Int) -> [Float] {
        var counts = [Int](repeating: 0, count: classes)
        for label in labels { counts[Int(label)] += 1 }
        return counts.map { $0 == 0 ? 0 : Float(labels.count) / Float(classes * $0) }
    }

    public var parameters: [NamedParameter] { model.namedParameters }
    public var itemName: String { "examples" }
    public var stepsPerEpoch: Int {
        let count = (try? trainingSet().count) ?? 0
        return max((count + config.batch - 1) / config.batch, 1)
    }

    /// The training set, read back with the saved vocabulary when the session came from a run.
    func trainingSet() throws -> [Encoded] {
        if let train { return train }
        let data = try Self.data(config, options)
        guard data.labels == labels else {
            throw DataFileError(file: config.data ?? WordListCorpus.description, "its classes (\(data.labels.joined(separator: ", "))) are not the run's (\(labels.joined(separator: ", "))); the data changed since training")
        }
        let encoded = try Self.encode(data.train, vocabulary: vocabulary, labels: labels, options: options).examples
        train = encoded
        classWeights = Self.classWeights(encoded, classes: labels.count, options)
        return encoded
    }

    static func classWeights(_ train: [Encoded], classes: Int, _ options: ClassificationOptions) -> [Float]? {
        options.balancedWeights ? balancedWeights(train.map(\.label), classes: classes) : nil
    }

    public func trainingLoss(step: Int, shard: BatchShard, rng: inout RandomGenerator) throws -> (loss: Variable, items: Int) {
        let train = try trainingSet()
        let epoch = step / stepsPerEpoch, k = step % stepsPerEpoch
        if epochOrder?.epoch != epoch { epochOrder = (epoch, EpochOrder.permutation(count: train.count, epoch: epoch)) }
        let whole = Array(epochOrder!.order[(k * config.batch)..<min((k + 1) * config.batch, train.count)])
        let picked = shard.part(of: whole).map { train[$0] }
        if picked.isEmpty { return (Variable(Tensor(scalar: 0)), 0) }
        let batch = TokenBatch(picked.map(\.ids))
        let logits = model(batch, training: true, rng: &rng).logits
        let targets = picked.map(\.label)
        let smoothing = config.labelSmoothing
        let loss = classWeights.map { w in weightedCrossEntropy(logits: logits, targets: targets, weights: targets.map { w[Int($0)] }, labelSmoothing: smoothing) }
            ?? crossEntropy(logits: logits, targets: targets, labelSmoothing: smoothing)
        return (loss, picked.count)
    }

    public func evaluate() throws -> [String: Double] {
        if validation == nil {
            let data = try Self.data(config, options)
            validation = try Self.encode(data.validation, vocabulary: vocabulary, labels: labels, options: options)
        }
        return score(validation!.examples, prefix: "val")
    }

    public func evaluate(file: URL) throws -> [String: Double] {
        let encoded = try Self.encode(try LabelledExamples.read(file), vocabulary: vocabulary, labels: labels, options: options)
        lastUnknown = encoded.unknown
        return score(encoded.examples, prefix: "eval")
    }

    /// Loss (mean cross-entropy, unweighted), accuracy and macro-F1, in batches of similar length.
    func score(_ examples: [Encoded], prefix: String) -> [String: Double] {
        var matrix = ConfusionMatrix(labels: labels)
        var totalLoss = 0.0
        var rng = RandomGenerator(seed: 0)
        let byLength = examples.indices.sorted { examples[$0].ids.count < examples[$1].ids.count }
        for start in stride(from: 0, to: byLength.count, by: 256) {
            let chunk = byLength[start..<min(start + 256, byLength.count)].map { examples[$0] }
            let logits = GradMode.withNoGrad { model(TokenBatch(chunk.map(\.ids)), training: false, rng: &rng).logits }
            let targets = chunk.map(\.label)
            totalLoss += Double(crossEntropy(logits: logits, targets: targets, reduction: .sum).value.scalar)
            for (truth, prediction) in zip(targets, logits.value.argmax(axis: -1)) {
                matrix.add(truth: Int(truth), prediction: prediction)
            }
        }
        lastReport = (matrix, prefix)
        return ["\(prefix)_loss": totalLoss / Double(max(examples.count, 1)), "\(prefix)_accuracy": matrix.accuracy,
                "\(prefix)_macro_f1": matrix.macroF1]
    }

    public func evaluationReport() -> EvaluationReport? {
        guard let (matrix, prefix) = lastReport else { return nil }
        var text = matrix.table
        let unknown = prefix == "val" ? validation?.unknown ?? [] : lastUnknown
        if !unknown.isEmpty {
            text += "\ntokens never seen in training, read as <unk>: " + unknown.map { "'\($0)'" }.joined(separator: " ")
        }
        let title = "\(config.task) · \(config.stack.cell) · \(prefix == "val" ? "validation" : "evaluation") (\(matrix.total) examples)"
        return EvaluationReport(text: text, files: ["confusion.svg": Array(ConfusionHeatmap.svg(labels: matrix.labels, counts: matrix.counts, accuracy: matrix.accuracy, macroF1: matrix.macroF1, title: title).utf8),
                                                    "confusion.txt": Array((matrix.table + "\n").utf8)])
    }

    public func classify(_ texts: [String]) throws -> [TextClassification] {
        var encoded: [(ids: [Int32], unknown: [String])] = []
        for (i, text) in texts.enumerated() {
            let tokens = options.tokens.tokenizer.tokens(text)
            let which = texts.count == 1 ? "the text" : "text \(i + 1)"
            guard !tokens.isEmpty else { throw TaskError("\(which) is empty; give at least one \(options.tokens.rawValue) token") }
            guard tokens.count <= options.maxLength else {
                throw TaskError("\(which) has \(tokens.count) \(options.tokens.rawValue) tokens, more than this model's limit of \(options.maxLength) (--max-length at training)")
            }
            encoded.append(vocabulary.encode(tokens))
        }
        var results: [TextClassification] = []
        var rng = RandomGenerator(seed: 0)
        for start in stride(from: 0, to: encoded.count, by: 256) {
            let chunk = Array(encoded[start..<min(start + 256, encoded.count)])
            let batch = TokenBatch(chunk.map(\.ids))
            let (logits, attention) = GradMode.withNoGrad { model(batch, training: false, rng: &rng) }
            let probabilities = softmax(logits).value.scalars
            for (row, item) in chunk.enumerated() {
                let p = probabilities[(row * labels.count)..<((row + 1) * labels.count)]
                let ranked = zip(labels, p).map { (label: $0, probability: Double($1)) }.sorted { $0.probability > $1.probability }
                let weights = attention.map { a in (0..<batch.lengths[row]).map { Double(a.scalars[row * batch.steps + $0]) } }
                results.append(TextClassification(text: texts[start + row], ranked: ranked, unknownTokens: item.unknown, attention: weights))
            }
        }
        return results
    }

    public func artifacts() throws -> [String: Data] {
        ["vocab.json": try vocabulary.encoded(), "labels.json": try JSONSerialization.data(withJSONObject: labels)]
    }
}
