import XCTest
import RecurKit
@testable import TranslationTask

/// The encoder–decoder: PyTorch parameter counts, masked attention, padding invariance, the
/// attention gradient, and beam search of width 1 being greedy decoding.
final class TranslationModelTests: XCTestCase {
    func model(_ kind: AttentionKind = .dot, cell: String = "gru", bidirectional: Bool = false,
               vocabularies: (Int, Int) = (11, 13)) throws -> TranslationModel {
        var rng = RandomGenerator(seed: 3)
        return try TranslationModel(sourceVocabulary: vocabularies.0, targetVocabulary: vocabularies.1, embedding: 6,
                                    stack: StackConfig(cell: cell, hiddenSize: 5, bidirectional: bidirectional),
                                    attention: kind, cells: builtinCells(), rng: &rng)
    }

    func testRecipeSizesGiveThePyTorchParameterCounts() throws {
        var rng = RandomGenerator(seed: 0)
        for (kind, expected) in [(AttentionKind.dot, 3_784_305), (.none, 3_718_769)] {
            let m = try TranslationModel(sourceVocabulary: 2751, targetVocabulary: 4209, embedding: 256,
                                         stack: StackConfig(cell: "gru", hiddenSize: 256), attention: kind,
                                         cells: builtinCells(), rng: &rng)
            XCTAssertEqual(m.parameterCount, expected, "\(kind)")
        }
    }

    func testPadRowsStartAtZero() throws {
        let m = try model()
        XCTAssertEqual(Array(m.sourceEmbedding.weight.value.scalars.prefix(6)), [Float](repeating: 0, count: 6))
        XCTAssertEqual(Array(m.targetEmbedding.weight.value.scalars.prefix(6)), [Float](repeating: 0, count: 6))
    }

    func testAttentionIgnoresPaddingAndASentenceDecodesTheSameAloneOrPadded() throws {
        for (kind, cell, bidirectional) in [(AttentionKind.dot, "gru", false), (.general, "lstm", true), (.additive, "gru", true), (.none, "rnn", false)] {
            let m = try model(kind, cell: cell, bidirectional: bidirectional)
            let short: [Int32] = [4, 5], long: [Int32] = [6, 7, 8, 9, 10]
            let target: [Int32] = [4, 5, 6]
            var rng = RandomGenerator(seed: 0)
            func run(_ batch: PairBatch) -> (logits: Tensor, weights: Tensor?) {
                let encoded = m.encode(batch.source, mask: batch.sourceMask, training: false, rng: &rng)
                let out = m.decode(batch.decoderInput, steps: batch.targetSteps, mask: batch.decoderMask, state: encoded.state,
                                   source: encoded, training: false, rng: &rng)
                return (out.logits.value, out.weights?.value)
            }
            let alone = run(PairBatch(sources: [short], targets: [target]))
            let padded = run(PairBatch(sources: [short, long], targets: [target, target]))
            let n = alone.logits.count
            let first = Tensor(shape: alone.logits.shape, scalars: Array(padded.logits.scalars.prefix(n)))
            XCTAssertTrue(first.isClose(to: alone.logits, rtol: 1e-5, atol: 1e-6), "\(kind) \(cell): padding changed the logits")
            if let weights = padded.weights {
                XCTAssertEqual(weights.shape, [2, 4, 6])
                for t in 0..<4 {
                    let row = Array(weights.scalars[(t * 6)..<(t * 6 + 6)])
                    XCTAssertEqual(row[3...], [0, 0, 0], "\(kind): weight on padded source positions")
                    XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-5)
                }
            } else {
                XCTAssertEqual(kind, .none)
            }
        }
    }

    func testAttentionModelGradient() throws {
        let m = try model(.general, cell: "gru")
        let batch = PairBatch(sources: [[4, 5, 6], [7]], targets: [[4, 5], [6]])
        var rng = RandomGenerator(seed: 0)
        let inputs = m.namedParameters.filter { ["decoder.attention.weight", "decoder.combine.weight", "encoder.rnn.weight_hh_l0"].contains($0.name) }
        XCTAssertEqual(inputs.count, 3)
        let report = GradientCheck(rtol: 3e-2, atol: 3e-3).run(inputs: inputs, maxProbes: 12) {
            let encoded = m.encode(batch.source, mask: batch.sourceMask, training: false, rng: &rng)
            return m.decode(batch.decoderInput, steps: batch.targetSteps, mask: batch.decoderMask, state: encoded.state,
                            source: encoded, training: false, rng: &rng).logits
        }
        XCTAssertTrue(report.passed, report.description)
    }

    func testBeamOfOneIsGreedyAndWiderBeamsScoreAtLeastAsWell() throws {
        let m = try model()
        let sources: [[Int32]] = [[4, 5, 6], [7, 8], [9, 10, 4, 5]]
        let greedy = GradMode.withNoGrad { m.greedy(sources, maxSteps: 6) }
        for (source, g) in zip(sources, greedy) {
            let beam1 = GradMode.withNoGrad { m.beamSearch(source, width: 1, maxSteps: 6) }
            XCTAssertEqual(beam1.ids, g.ids)
            XCTAssertEqual(beam1.logProbability, g.logProbability, accuracy: 1e-4)
            XCTAssertEqual(beam1.attention.count, g.attention.count)
            for (a, b) in zip(beam1.attention, g.attention) {
                XCTAssertEqual(a.count, source.count + 1)
                for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-5) }
            }
            let beam4 = GradMode.withNoGrad { m.beamSearch(source, width: 4, maxSteps: 6) }
            func normalised(_ h: Hypothesis) -> Double { h.logProbability / Double(h.ids.count + (h.finished ? 1 : 0)) }
            if g.finished && beam4.finished { XCTAssertGreaterThanOrEqual(normalised(beam4) + 1e-6, normalised(g)) }
        }
    }
}
