import Foundation
import RecurKit

/// A char-lm run: the corpus split 90/10 by characters, the model, and the carried state.
public final class CharLMSession: TaskSession, TextGenerating, ExternallyEvaluable {
    public let config: RunConfig
    public let vocabulary: Vocabulary
    public let model: CharLanguageModel
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
        model = try CharLanguageModel(vocabularySize: vocabulary.count, embedding: options.input == .embedding ? options.embedding : nil,
                                      stack: config.stack, cells: context.cells, rng: &rng)
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
        let stream = try data().train
        let k = step % stream.batchesPerEpoch
        if k == 0 { carried = nil }
        let (whole, wholeTargets) = stream.batch(k)
        let inputs = shard.columns(of: whole, steps: config.seqLen), targets = shard.columns(of: wholeTargets, steps: config.seqLen)
        let (logits, state) = model(inputs, steps: config.seqLen, batch: shard.rows.count, state: carried, training: true, rng: &rng)
        carried = state.map { $0.map { $0.detached() } }
        return (crossEntropy(logits: logits, targets: targets, labelSmoothing: config.labelSmoothing), inputs.count)
    }

    /// Bits per character over the whole validation split, read as one stream (batch 1, chunks of
    /// `seq-len`, state carried): the "carried" figure of docs/recipes.md.
    public func evaluate() throws -> [String: Double] { try score(try data().validation, prefix: "val") }

    public func evaluate(file: URL) throws -> [String: Double] {
        try score(try vocabulary.ids(ofCharacters: try TextFile.scalars(file, rules: .exact), source: file.path), prefix: "eval")
    }

    func score(_ ids: [Int32], prefix: String) throws -> [String: Double] {
        guard ids.count >= 2 else { throw TaskError("need at least 2 characters to score, got \(ids.count)") }
        var rng = RandomGenerator(seed: 0)
        var state: [[Variable]]? = nil
        var totalNats = 0.0
        var start = 0
        while start < ids.count - 1 {
            let length = min(config.seqLen, ids.count - 1 - start)
            let inputs = Array(ids[start..<(start + length)]), targets = Array(ids[(start + 1)...(start + length)])
            let (logits, next) = GradMode.withNoGrad {
                model(inputs, steps: length, batch: 1, state: state, training: false, rng: &rng)
            }
            totalNats += Double(crossEntropy(logits: logits, targets: targets, reduction: .sum).value.scalar)
            state = next
            start += length
        }
        let nats = totalNats / Double(ids.count - 1)
        return ["\(prefix)_loss": nats, "\(prefix)_bpc": nats / log(2), "\(prefix)_perplexity": exp(nats)]
    }

    /// The carried state of the whole batch: in a data-parallel run each rank holds its rows,
    /// gathered here in rank (= row) order, so a checkpoint resumes on any number of ranks.
    public func trainingState() -> (tensors: [String: Tensor], info: [String: String]) {
        var tensors: [String: Tensor] = [:]
        for (i, cell) in (carried ?? []).enumerated() {
            for (s, v) in cell.enumerated() {
                if let group {
                    let all = v.value.withPointer { group.allGather($0, count: v.value.count) }
                    tensors["carried.\(i).\(s)"] = Tensor(shape: [config.batch, v.shape[1]], scalars: all)
                } else {
                    tensors["carried.\(i).\(s)"] = v.value
                }
            }
        }
        return (tensors, ["carried": carried == nil ? "no" : "yes"])
    }

    public func restoreTrainingState(tensors: [String: Tensor], info: [String: String]) throws {
        guard info["carried"] == "yes" else { carried = nil; return }
        let cells = model.rnn.cells
        carried = try cells.indices.map { i in
            try cells[i].stateSizes.indices.map { s in
                let width = cells[i].stateSizes[s]
                guard let t = tensors["carried.\(i).\(s)"], t.shape == [config.batch, width] else {
                    throw RunError("checkpoint lacks the carried state carried.\(i).\(s) of shape [\(config.batch), \(width)]")
                }
                return Variable(t.rank == 2 && rows.count != config.batch ? sliceRows(t) : t)
            }
        }
    }

    private func sliceRows(_ t: Tensor) -> Tensor {
        let width = t.shape[1]
        return Tensor(shape: [rows.count, width], scalars: Array(t.scalars[(rows.lowerBound * width)..<(rows.upperBound * width)]))
    }

    public func artifacts() throws -> [String: Data] { ["vocab.json": try vocabulary.encoded()] }

    public func generate(prime: String, length: Int, temperature: Float, topK: Int?, rng: inout RandomGenerator,
                         emit: (String) -> Void) throws {
        let primeScalars = Array(prime.unicodeScalars)
        var ids = try vocabulary.ids(ofCharacters: primeScalars, source: "--prime")
        if ids.isEmpty { ids = [vocabulary.id("\n") ?? 0] }
        var state: [[Variable]]? = nil
        var logits: Variable
        (logits, state) = GradMode.withNoGrad { model(ids, steps: ids.count, batch: 1, state: nil, training: false, rng: &rng) }
        emit(prime)
        var last = logits.slice(axis: 0, start: ids.count - 1, length: 1)
        for _ in 0..<length {
            let next = try sampleIndex(last.value.scalars, temperature: temperature, topK: topK, rng: &rng)
            emit(vocabulary.tokens[next])
            (last, state) = GradMode.withNoGrad { model([Int32(next)], steps: 1, batch: 1, state: state, training: false, rng: &rng) }
        }
    }
}
