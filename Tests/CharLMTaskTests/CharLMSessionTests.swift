import Foundation
import XCTest
import CharLMTask
import RecurBuiltins
import RecurKit
import LSTMCell
import GRUCell
import VanillaRNNCell

/// The task in-process: learning, carried state, PyTorch key names, any cell from the registry.
final class CharLMSessionTests: XCTestCase {
    var corpus: URL!

    override func setUpWithError() throws {
        corpus = FileManager.default.temporaryDirectory.appendingPathComponent("recur-lm-\(UUID().uuidString).txt")
        try String(repeating: "to be or not to be, that is the question.\n", count: 40).write(to: corpus, atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: corpus) }

    func registry() -> Registry<CellDescriptor> { Builtins.cells() }

    func config(cell: String) -> RunConfig {
        var c = RunConfig(task: "char-lm", stack: StackConfig(cell: cell, hiddenSize: 16))
        CharLMPlugin.descriptor.defaults(&c)
        c.stack.hiddenSize = 16
        c.batch = 4
        c.seqLen = 12
        c.learningRate = 0.01
        c.data = corpus.path
        c.taskOptions = try! CharLMPlugin.descriptor.resolveOptions(["embedding": "8"])
        return c
    }

    func testEveryCellLearnsTheRepeatedLine() throws {
        for cell in ["lstm", "gru", "rnn"] {
            let session = try CharLMPlugin.descriptor.makeSession(config(cell: cell), TaskContext(cells: registry()))
            let optimizer = Adam(learningRate: 0.01)
            var rng = RandomGenerator(seed: 1)
            var losses: [Float] = []
            for step in 0..<60 {
                for (_, p) in session.parameters { p.zeroGrad() }
                let (loss, items) = try session.trainingLoss(step: step, rng: &rng)
                XCTAssertEqual(items, 48)
                loss.backward()
                clipGradientNorm(session.parameters, maxNorm: 5)
                optimizer.step(session.parameters)
                losses.append(loss.value.scalar)
            }
            let first = losses.prefix(5).reduce(0, +) / 5, last = losses.suffix(5).reduce(0, +) / 5
            XCTAssertLessThan(last, first * 0.6, "\(cell): loss \(first) → \(last)")
            let metrics = try GradMode.withNoGrad { try session.evaluate() }
            XCTAssertLessThan(metrics["val_bpc"]!, 3.5, cell)
        }
    }

    func testParameterNamesMatchPyTorchWordLanguageModel() throws {
        let session = try CharLMPlugin.descriptor.makeSession(config(cell: "lstm"), TaskContext(cells: registry()))
        XCTAssertEqual(session.parameters.map(\.name),
                       ["encoder.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
                        "decoder.weight", "decoder.bias"])
    }

    func testCarriedStateIsSavedAndRestored() throws {
        let c = config(cell: "lstm")
        let a = try CharLMPlugin.descriptor.makeSession(c, TaskContext(cells: registry()))
        var rng = RandomGenerator(seed: 1)
        _ = try a.trainingLoss(step: 0, rng: &rng)
        let (tensors, info) = a.trainingState()
        XCTAssertEqual(info["carried"], "yes")
        XCTAssertEqual(Set(tensors.keys), ["carried.0.0", "carried.0.1"])
        let b = try CharLMPlugin.descriptor.makeSession(c, TaskContext(cells: registry()))
        try b.restoreTrainingState(tensors: tensors, info: info)
        var r1 = RandomGenerator(seed: 2), r2 = RandomGenerator(seed: 2)
        XCTAssertEqual(try a.trainingLoss(step: 1, rng: &r1).loss.value, try b.trainingLoss(step: 1, rng: &r2).loss.value)
    }

    func testSamplingIsSeededAndStartsWithThePrime() throws {
        let session = try CharLMPlugin.descriptor.makeSession(config(cell: "gru"), TaskContext(cells: registry())) as! CharLMSession
        func sample(_ seed: UInt64) throws -> String {
            var rng = RandomGenerator(seed: seed)
            var text = ""
            try session.generate(prime: "to be", length: 30, temperature: 0.8, topK: 5, rng: &rng) { text += $0 }
            return text
        }
        let a = try sample(3)
        XCTAssertTrue(a.hasPrefix("to be"))
        XCTAssertEqual(a.unicodeScalars.count, 35)
        XCTAssertEqual(a, try sample(3))
    }
}
