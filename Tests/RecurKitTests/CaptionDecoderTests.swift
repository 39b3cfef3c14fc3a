import XCTest
import RecurBuiltins
@testable import RecurKit

final class CaptionDecoderTests: XCTestCase {
    func decoder(attention: Bool, gate: Bool = true, cell: String = "lstm", layers: Int = 1) throws -> CaptionDecoder {
        var rng = RandomGenerator(seed: 3)
        return try CaptionDecoder(vocabularySize: 7, embedding: 3, memorySize: 4, attention: attention, attentionSize: 5, gate: gate,
                                  stack: StackConfig(cell: cell, hiddenSize: 5, layers: layers), cells: Builtins.registries().cells, rng: &rng)
    }

    func testGradientsOfLossAndPenaltyMatchFiniteDifferences() throws {
        for (attention, cell, layers) in [(true, "lstm", 1), (true, "gru", 2), (false, "lstm", 1)] {
            let model = try decoder(attention: attention, cell: cell, layers: layers)
            var rng = RandomGenerator(seed: 9)
            let regions = parameter(rng.uniformTensor([2, 3, 4], -1, 1), "regions")
            let batch = CaptionBatch([[4, 5, 6], [5]])
            let inputs = model.namedParameters + [("regions", regions)]
            let report = GradientCheck().run(inputs: inputs) {
                var noise = RandomGenerator(seed: 0)
                let memory = model.memory(regions)
                let (logits, alphas) = model.teacherForced(batch.inputs, steps: batch.steps, memory: memory, training: false, rng: &noise)
                var loss = crossEntropy(logits: logits.reshaped([batch.batch * batch.steps, 7]), targets: batch.targets, ignoreIndex: 0)
                if let alphas { loss = loss + CaptionDecoder.attentionPenalty(alphas, mask: batch.mask) * 0.7 }
                return loss
            }
            XCTAssertTrue(report.passed, "\(cell) ×\(layers), attention \(attention): \(report)")
        }
    }

    func testAttentionWeightsSumToOneAndPenaltyMatchesItsFormula() throws {
        let model = try decoder(attention: true)
        var rng = RandomGenerator(seed: 1)
        let memory = model.memory(Variable(rng.uniformTensor([2, 3, 4], -1, 1)))
        let batch = CaptionBatch([[4, 5], [6]])
        let alphas = GradMode.withNoGrad { model.teacherForced(batch.inputs, steps: batch.steps, memory: memory, training: false, rng: &rng).alphas! }
        XCTAssertEqual(alphas.shape, [2, 3, 3])
        for row in 0..<(2 * 3) {
            XCTAssertEqual(alphas.value.scalars[(row * 3)..<(row * 3 + 3)].reduce(0, +), 1, accuracy: 1e-5)
        }
        // By hand: caption 0 has 3 real steps, caption 1 has 2 (its third is padding).
        var expected: Double = 0
        for b in 0..<2 {
            for i in 0..<3 {
                let steps = b == 0 ? 3 : 2
                let covered = (0..<steps).reduce(0.0) { $0 + Double(alphas.value.scalars[(b * 3 + $1) * 3 + i]) }
                expected += (1 - covered) * (1 - covered)
            }
        }
        XCTAssertEqual(Double(CaptionDecoder.attentionPenalty(alphas, mask: batch.mask).value.scalar), expected / 6, accuracy: 1e-5)
    }

    func testMaskedMemoryMeanSkipsPaddedPositions() throws {
        let model = try decoder(attention: true)
        let vectors = Variable(Tensor(shape: [1, 3, 4], scalars: [1, 2, 3, 4, 3, 4, 5, 6, 100, 100, 100, 100]))
        let memory = model.memory(vectors, mask: Tensor(shape: [1, 3], scalars: [1, 1, 0]))
        XCTAssertEqual(memory.mean.value.scalars, [2, 3, 4, 5])
    }

    func testBeamOfWidthOneIsGreedyAndWiderBeamsScoreNoWorse() throws {
        let model = try decoder(attention: true)
        var rng = RandomGenerator(seed: 4)
        for _ in 0..<3 {
            let memory = model.memory(Variable(rng.uniformTensor([1, 3, 4], -2, 2)))
            let (greedy, beam1, beam4) = GradMode.withNoGrad {
                (model.greedy(memory, maxSteps: 6)[0], model.beamSearch(memory, width: 1, maxSteps: 6), model.beamSearch(memory, width: 4, maxSteps: 6))
            }
            XCTAssertEqual(greedy.ids, beam1.ids)
            XCTAssertEqual(greedy.logProbability, beam1.logProbability, accuracy: 1e-6)
            XCTAssertEqual(greedy.attention.count, greedy.ids.count + (greedy.finished ? 1 : 0))
            func perWord(_ c: GeneratedCaption) -> Double { c.logProbability / Double(max(1, c.ids.count + (c.finished ? 1 : 0))) }
            if greedy.finished && beam4.finished { XCTAssertGreaterThanOrEqual(perWord(beam4), perWord(greedy) - 1e-9) }
        }
    }

    func testCaptionScoresByHand() {
        var scores = CaptionScores()
        scores.add(["a", "red", "circle"], references: [["a", "red", "circle"], ["there", "is", "a", "red", "circle"]])
        scores.add(["a", "blue", "circle"], references: [["a", "red", "circle"], ["a", "blue", "square", "x"]])
        let m = scores.metrics(prefix: "val")
        XCTAssertEqual(m["val_exact_match"], 0.5)
        // Caption 1: 3 words + <eos> of 4 right. Caption 2: against "a red circle", a, circle and
        // <eos> (3 of 4) beats "a blue square x" (2 of 5).
        XCTAssertEqual(m["val_token_accuracy"]!, 7.0 / 8.0, accuracy: 1e-12)
        var bleu = BLEU()
        bleu.add(hypothesis: ["a", "red", "circle"], references: [["a", "red", "circle"], ["there", "is", "a", "red", "circle"]])
        bleu.add(hypothesis: ["a", "blue", "circle"], references: [["a", "red", "circle"], ["a", "blue", "square", "x"]])
        XCTAssertEqual(m["val_bleu"], bleu.score())
    }
}
