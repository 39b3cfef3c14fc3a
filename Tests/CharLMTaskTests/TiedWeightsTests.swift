import Foundation
import XCTest
import CharLMTask
import RecurBuiltins
import RecurKit
import RecurTestSupport

/// `--tied`: the decoder's weight is the embedding table, one variable under both of
/// word_language_model's keys, with the gradient of both uses.
final class TiedWeightsTests: XCTestCase {
    func model(tied: Bool, embedding: Int = 6, hidden: Int = 6, seed: UInt64 = 5) throws -> LanguageModel {
        var rng = RandomGenerator(seed: seed)
        return try LanguageModel(vocabularySize: 9, embedding: embedding, stack: StackConfig(cell: "lstm", hiddenSize: hidden, layers: 2),
                                 cells: Builtins.cells(), tied: tied, initialization: .wordLanguageModel, rng: &rng)
    }

    func testOneVariableUnderBothKeys() throws {
        let m = try model(tied: true)
        let names = m.namedParameters.map(\.name)
        XCTAssertEqual(names.first, "encoder.weight")
        XCTAssertEqual(Array(names.suffix(2)), ["decoder.weight", "decoder.bias"])
        XCTAssertTrue(m.decoderWeight === m.encoder!.weight)
        XCTAssertEqual(distinctParameters(m.namedParameters).map(\.name), names.filter { $0 != "decoder.weight" })
        XCTAssertEqual(m.decoderBias.value.scalars, [Float](repeating: 0, count: 9), "RNNModel.init_weights zeroes the bias")
        XCTAssertTrue(m.encoder!.weight.value.scalars.allSatisfy { abs($0) <= 0.1 })
    }

    /// Finite differences through the whole tied model: the shared table's gradient must be the
    /// sum over the lookup and the decoder.
    func testGradientOfTheTiedModelMatchesFiniteDifferences() throws {
        let m = try model(tied: true)
        let ids: [Int32] = [1, 4, 2, 8, 0, 4, 7, 3], targets: [Int32] = [4, 2, 8, 0, 4, 7, 3, 5]
        var rng = RandomGenerator(seed: 0)
        let report = GradientCheck().run(inputs: distinctParameters(m.namedParameters), maxProbes: 24) {
            crossEntropy(logits: m(ids, steps: 4, batch: 2, state: nil, training: false, rng: &rng).logits, targets: targets, reduction: .sum)
        }
        XCTAssertTrue(report.passed, report.description)
    }

    /// The tied gradient is the untied model's encoder gradient plus its decoder gradient, at the
    /// same values: so nothing is dropped or counted twice.
    func testTiedGradientIsTheSumOfBothUses() throws {
        let tied = try model(tied: true), untied = try model(tied: false)
        untied.encoder!.weight.assign(tied.encoder!.weight.value)
        untied.decoderWeight.assign(tied.encoder!.weight.value)
        untied.decoderBias.assign(tied.decoderBias.value)
        for ((_, a), (_, b)) in zip(tied.rnn.namedParameters, untied.rnn.namedParameters) { b.assign(a.value) }
        let ids: [Int32] = [1, 4, 2, 8, 0, 4], targets: [Int32] = [4, 2, 8, 0, 4, 7]
        var rng = RandomGenerator(seed: 0)
        for m in [tied, untied] {
            for (_, p) in m.namedParameters { p.zeroGrad() }
            crossEntropy(logits: m(ids, steps: 3, batch: 2, state: nil, training: false, rng: &rng).logits, targets: targets).backward()
        }
        let sum = zip(untied.encoder!.weight.grad!.scalars, untied.decoderWeight.grad!.scalars).map { $0 + $1 }
        for (a, b) in zip(tied.encoder!.weight.grad!.scalars, sum) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }

    func testTiedNeedsHiddenEqualToEmbeddingAndNamesBothFlags() throws {
        XCTAssertThrowsMessage(try model(tied: true, embedding: 6, hidden: 8), ["--tied", "--hidden", "--embedding", "got --hidden 8, --embedding 6"])
        var rng = RandomGenerator(seed: 0)
        XCTAssertThrowsMessage(try LanguageModel(vocabularySize: 9, embedding: nil, stack: StackConfig(cell: "gru", hiddenSize: 9),
                                                 cells: Builtins.cells(), tied: true, rng: &rng), ["--tied", "--input embedding"])
    }

    func testLoadingRefusesTiedKeysThatDiffer() throws {
        let m = try model(tied: true)
        var values = Dictionary(uniqueKeysWithValues: m.namedParameters.map { ($0.name, $0.variable.value) })
        try load(values, into: m.namedParameters)
        values["decoder.weight"]!.scalars[0] += 1
        XCTAssertThrowsMessage(try load(values, into: m.namedParameters), ["decoder.weight", "encoder.weight", "differ"])
    }

    /// char-lm takes --tied too (the same model), with word_language_model's initialisation.
    func testCharLMTied() throws {
        let corpus = FileManager.default.temporaryDirectory.appendingPathComponent("recur-tied-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: corpus) }
        try String(repeating: "tied weights, one table.\n", count: 40).write(to: corpus, atomically: true, encoding: .utf8)
        var c = RunConfig(task: "char-lm", stack: StackConfig(cell: "gru", hiddenSize: 8))
        CharLMPlugin.descriptor.defaults(&c)
        c.stack.hiddenSize = 8
        (c.batch, c.seqLen, c.data, c.learningRate) = (4, 10, corpus.path, 0.02)
        c.taskOptions = try CharLMPlugin.descriptor.resolveOptions(["embedding": "8", "tied": "true"])
        let s = try CharLMPlugin.descriptor.makeSession(c, TaskContext(cells: Builtins.cells())) as! CharLMSession
        XCTAssertTrue(s.model.decoderWeight === s.model.encoder!.weight)
        let losses = try train(s, steps: 60)
        XCTAssertLessThan(losses.suffix(5).reduce(0, +), losses.prefix(5).reduce(0, +) * 0.7, "\(losses)")
        c.taskOptions = try CharLMPlugin.descriptor.resolveOptions(["embedding": "4", "tied": "true"])
        XCTAssertThrowsMessage(try CharLMPlugin.descriptor.makeSession(c, TaskContext(cells: Builtins.cells())), ["got --hidden 8, --embedding 4"])
    }
}
