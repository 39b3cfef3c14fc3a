import Foundation
import RecurKit

/// A conditional-lm run: labelled texts (a folder with one file per class, or `label<TAB>text`;
/// default: the Debian word lists, one language per class), and a character model of
/// p(text | class). Each text is one sequence: `<bos>` + characters → characters + `<eos>`.
public final class ConditionalLMSession: TaskSession {
    /// A text as ids with its class index.
    struct Encoded {
        var ids: [Int32]
        var label: Int32
    }

    public let config: RunConfig
    public let options: ConditionalLMOptions
    public let labels: [String]
    public let vocabulary: Vocabulary
    public let model: ConditionalLanguageModel
    private var data: (train: [Encoded], validation: [Encoded])?
    private var epochBatches: (epoch: Int, batches: [[Int]])?

    public init(config: RunConfig, options: ConditionalLMOptions, context: TaskContext) throws {
        self.config = config
        self.options = options
        if let artifacts = context.artifacts, let vocab = artifacts["vocab.json"], let labelFile = artifacts["labels.json"] {
            vocabulary = try Vocabulary.decode(vocab, specials: .sequence, source: "vocab.json")
            guard let names = try? JSONSerialization.jsonObject(with: labelFile) as? [String], !names.isEmpty,
                  Set(names).count == names.count else {
                throw DataFileError(file: "labels.json", "not a list of distinct class names")
            }
            labels = names
        } else {
            let (train, validation) = try Self.read(config, options)
            labels = Set(train.map(\.label)).sorted(by: codePointLess)
            vocabulary = Vocabulary(specials: .sequence, training: train.map { $0.text.unicodeScalars.map(String.init) })
            data = try (Self.encode(train, vocabulary, labels, options), Self.encode(validation, vocabulary, labels, options))
        }
        var rng = RandomGenerator(seed: context.seeds.model)
        model = try ConditionalLanguageModel(classes: labels.count, vocabularySize: vocabulary.count, options: options,
                                             stack: config.stack, cells: context.cells, rng: &rng)
        model.embeddingDropout = config.embeddingDropout
    }

    static func read(_ config: RunConfig, _ options: ConditionalLMOptions) throws -> (train: [LabelledText], validation: [LabelledText]) {
        let examples = try config.data.map { try LabelledExamples.read(URL(fileURLWithPath: $0)) } ?? WordListCorpus.examples()
        if !options.valid.isEmpty { return (examples, try LabelledExamples.read(URL(fileURLWithPath: options.valid))) }
        return LabelledExamples.split(examples)
    }

    /// Character ids and class indices; a text over `--max-length` or of an unknown class is refused with its place.
    static func encode(_ examples: [LabelledText], _ vocabulary: Vocabulary, _ labels: [String],
                       _ options: ConditionalLMOptions) throws -> [Encoded] {
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($0.element, Int32($0.offset)) })
        return try examples.map { example in
            guard let label = index[example.label] else {
                throw DataFileError(file: example.place, "class '\(example.label)' has no training examples")
            }
            let characters = example.text.unicodeScalars.map(String.init)
            guard characters.count <= options.maxLength else {
                throw DataFileError(file: example.place, "\(characters.count) characters, more than --max-length \(options.maxLength)")
            }
            return Encoded(ids: vocabulary.encode(characters).ids, label: label)
        }
    }

    func loaded() throws -> (train: [Encoded], validation: [Encoded]) {
        if let data { return data }
        let (train, validation) = try Self.read(config, options)
        data = try (Self.encode(train, vocabulary, labels, options), Self.encode(validation, vocabulary, labels, options))
        return data!
    }

    public var parameters: [NamedParameter] { model.namedParameters }
    public var itemName: String { "chars" }
    public var stepsPerEpoch: Int { max((((try? loaded().train.count) ?? 0) + config.batch - 1) / config.batch, 1) }

    /// Time-major inputs (`<bos>` + text), targets (text + `<eos>`, `<pad>` after the end) and mask.
    func batch(_ examples: [Encoded]) -> (inputs: [Int32], targets: [Int32], mask: Tensor, steps: Int) {
        let steps = (examples.map(\.ids.count).max() ?? 0) + 1, count = examples.count
        let pad = vocabulary.id(.pad)
        var inputs = [Int32](repeating: pad, count: steps * count), targets = inputs
        var mask = [Float](repeating: 0, count: steps * count)
        for (b, example) in examples.enumerated() {
            let input = [vocabulary.id(.bos)] + example.ids, target = example.ids + [vocabulary.id(.eos)]
            for t in 0..<input.count {
                inputs[t * count + b] = input[t]
                targets[t * count + b] = target[t]
                mask[t * count + b] = 1
            }
        }
        return (inputs, targets, Tensor(shape: [steps, count], scalars: mask), steps)
    }

    public func trainingLoss(step: Int, shard: BatchShard, rng: inout RandomGenerator) throws -> (loss: Variable, items: Int) {
        let train = try loaded().train
        let epoch = step / stepsPerEpoch
        if epochBatches?.epoch != epoch { epochBatches = (epoch, EpochOrder.batches(count: train.count, epoch: epoch, batch: config.batch)) }
        let picked = shard.part(of: epochBatches!.batches[step % stepsPerEpoch]).map { train[$0] }
        if picked.isEmpty { return (Variable(Tensor(scalar: 0)), 0) }
        let (inputs, targets, mask, steps) = batch(picked)
        let (logits, _) = model(inputs, steps: steps, condition: model.conditions(picked.map(\.label)), state: nil, mask: mask,
                                training: true, rng: &rng)
        let pad = vocabulary.id(.pad)
        return (crossEntropy(logits: logits, targets: targets, ignoreIndex: pad, labelSmoothing: config.labelSmoothing), targets.filter { $0 != pad }.count)
    }

    /// Validation nats and bits per character (each text's `<eos>` included), with the class
    /// given, and with it withheld — the condition replaced by the mean of all class vectors —
    /// so that the gain from conditioning is a number.
    public func evaluate() throws -> [String: Double] {
        let validation = try loaded().validation
        guard !validation.isEmpty else { throw TaskError("the validation set is empty") }
        let table = model.condition.weight.value.scalars, width = options.conditionSize
        let withheld = (0..<width).map { i in stride(from: i, to: table.count, by: width).reduce(Float(0)) { $0 + table[$1] } / Float(labels.count) }
        var nats = 0.0, withheldNats = 0.0, count = 0
        var rng = RandomGenerator(seed: 0)
        let pad = vocabulary.id(.pad)
        for start in stride(from: 0, to: validation.count, by: config.batch) {
            let chunk = Array(validation[start..<min(start + config.batch, validation.count)])
            let (inputs, targets, mask, steps) = batch(chunk)
            let given = model.conditions(chunk.map(\.label))
            let mean = Variable(Tensor(shape: [chunk.count, options.conditionSize], scalars: Array((0..<chunk.count).map { _ in withheld }.joined())))
            for (condition, total) in [(given, 0), (mean, 1)] {
                let (logits, _) = model(inputs, steps: steps, condition: condition, state: nil, mask: mask, training: false, rng: &rng)
                let sum = Double(crossEntropy(logits: logits, targets: targets, ignoreIndex: pad, reduction: .sum).value.scalar)
                if total == 0 { nats += sum } else { withheldNats += sum }
            }
            count += targets.filter { $0 != pad }.count
        }
        let loss = nats / Double(count), unconditioned = withheldNats / Double(count)
        return ["val_loss": loss, "val_bpc": loss / log(2), "val_bpc_withheld": unconditioned / log(2),
                "val_bpc_gain": (unconditioned - loss) / log(2)]
    }

    public func artifacts() throws -> [String: Data] {
        ["vocab.json": try vocabulary.encoded(), "labels.json": try JSONSerialization.data(withJSONObject: labels)]
    }
}
