import Foundation
import XCTest
import CharLMTask
import RecurBuiltins
import RecurKit
import RecurTestSupport

/// The word-lm task in-process: word_language_model's recipe, learning, perplexity, sampling.
final class WordLMSessionTests: XCTestCase {
    var corpus: URL!

    override func setUpWithError() throws {
        corpus = FileManager.default.temporaryDirectory.appendingPathComponent("recur-wordlm-\(UUID().uuidString).txt")
        let lines = ["to be or not to be", "that is the question", "", "whether tis nobler in the mind to suffer"]
        try String(repeating: lines.joined(separator: "\n") + "\n", count: 30).write(to: corpus, atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: corpus) }

    func config(_ options: [String: String] = [:], layers: Int = 2, dropout: Float = 0) -> RunConfig {
        var c = WordLMPlugin.descriptor.defaultConfig()
        c.stack.hiddenSize = 12
        c.stack.layers = layers
        c.stack.dropout = dropout
        c.batch = 4
        c.seqLen = 6
        c.learningRate = 20
        c.data = corpus.path
        c.taskOptions = try! WordLMPlugin.descriptor.resolveOptions(["embedding": "12"].merging(options) { $1 })
        return c
    }

    func session(_ c: RunConfig) throws -> WordLMSession {
        try WordLMPlugin.descriptor.makeSession(c, TaskContext(cells: Builtins.cells())) as! WordLMSession
    }

    func testDefaultsAreWordLanguageModelsRecipe() {
        let c = WordLMPlugin.descriptor.defaultConfig()
        XCTAssertEqual([c.stack.cell, "\(c.stack.layers)", "\(c.stack.hiddenSize)", "\(c.stack.dropout)"], ["lstm", "2", "200", "0.2"])
        XCTAssertEqual([c.batch, c.seqLen], [20, 35])
        XCTAssertEqual(c.optimizer, .sgd)
        XCTAssertEqual([c.learningRate, c.momentum, c.clip], [20, 0, 0.25])
        XCTAssertEqual(c.epochs, 6)
        XCTAssertEqual(c.taskOptions["embedding"], .int(200))
        XCTAssertEqual(c.taskOptions["tied"], .bool(false))
        XCTAssertEqual(c.taskOptions["max-vocab"], .int(10_000))
    }

    func testLearnsTheRepeatedLinesAndReportsPerplexity() throws {
        let s = try session(config(["tied": "true"], dropout: 0.2))
        XCTAssertEqual(s.vocabulary.count, 2 + 14)
        // The recipe: plain SGD at lr 20 with the gradient norm clipped to 0.25.
        let optimizer = SGD(learningRate: 20)
        let parameters = distinctParameters(s.parameters)
        var rng = RandomGenerator(seed: 1)
        let before = try GradMode.withNoGrad { try s.evaluate() }
        for step in 0..<240 {
            for (_, p) in parameters { p.zeroGrad() }
            let (loss, items) = try s.trainingLoss(step: step, rng: &rng)
            XCTAssertEqual(items, 24)
            loss.backward()
            clipGradientNorm(parameters, maxNorm: 0.25)
            optimizer.step(parameters)
        }
        let after = try GradMode.withNoGrad { try s.evaluate() }
        XCTAssertEqual(after["val_ppl"]!, exp(after["val_loss"]!), accuracy: 1e-9)
        XCTAssertEqual(before["val_ppl"]!, 16, accuracy: 1.5, "an untrained model is near uniform over 16 tokens")
        XCTAssertLessThan(after["val_ppl"]!, 3, "the text repeats: \(before) → \(after)")
        XCTAssertEqual(after["val_unk"], 0)
    }

    func testWordsOutsideTheCapAreUnknown() throws {
        let s = try session(config(["max-vocab": "6"]))
        // to 3, be 2, the 2, then eleven words once each, of which "in" comes first by code point.
        XCTAssertEqual(s.vocabulary.tokens, ["<eos>", "<unk>", "be", "in", "the", "to"])
        let metrics = try GradMode.withNoGrad { try s.evaluate() }
        XCTAssertGreaterThan(metrics["val_unk"]!, 0.3)
    }

    /// RNNModel drops the embeddings and the stack's output too, not only between layers: a
    /// one-layer stack (nothing between layers) still differs in training.
    func testDropoutFallsOnEmbeddingsAndOutputAsInRNNModel() throws {
        let s = try session(config(layers: 1, dropout: 0.5))
        var rng = RandomGenerator(seed: 3)
        let ids: [Int32] = [2, 3, 4, 5]
        let eval = s.model(ids, steps: 4, batch: 1, state: nil, training: false, rng: &rng).logits.value
        let train = s.model(ids, steps: 4, batch: 1, state: nil, training: true, rng: &rng).logits.value
        XCTAssertEqual(eval, s.model(ids, steps: 4, batch: 1, state: nil, training: false, rng: &rng).logits.value)
        XCTAssertNotEqual(eval, train)
        XCTAssertEqual(s.model.outerDropout, 0.5)
    }

    func testSamplesAreWordsJoinedBySpacesAfterThePrime() throws {
        let s = try session(config())
        func sample(_ prime: String, seed: UInt64) throws -> String {
            var rng = RandomGenerator(seed: seed)
            var text = ""
            try s.generate(prime: prime, length: 25, temperature: 1, topK: nil, rng: &rng) { text += $0 }
            return text
        }
        let text = try sample("to be", seed: 4)
        XCTAssertTrue(text.hasPrefix("to be "), text)
        let words = text.split(whereSeparator: \.isWhitespace)
        XCTAssertEqual(words.count, 2 + 25 - text.filter { $0 == "\n" }.count, "every sampled token is a word or a line break: \(text)")
        XCTAssertTrue(words.allSatisfy { s.vocabulary.contains(String($0)) }, text)
        XCTAssertFalse(text.contains("<eos>") || text.contains("  ") || text.contains("\n "), text)
        XCTAssertEqual(text, try sample("to be", seed: 4))
        XCTAssertEqual(try s.primeIDs("to be"), s.vocabulary.ids(["to", "be"]))
        XCTAssertEqual(try s.primeIDs("to be\n"), s.vocabulary.ids(["to", "be", "<eos>"]))
        XCTAssertEqual(try s.primeIDs(""), [s.vocabulary.id(.eos)])
    }
}
