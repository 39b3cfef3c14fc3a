import RecurKit
@testable import TranslationTask
import XCTest

/// Input feeding (Luong et al. 2015): the decoder reads [embed(y_{t−1}) ; õ_{t−1}], so a whole
/// teacher-forced call must equal the same steps taken one at a time with the state carried, and
/// padding must not change a sentence's outputs.
final class InputFeedingTests: XCTestCase {
    func model(_ kind: AttentionKind, cell: String) throws -> TranslationModel {
        var rng = RandomGenerator(seed: 5)
        return try TranslationModel(sourceVocabulary: 11, targetVocabulary: 13, embedding: 6,
                                    stack: StackConfig(cell: cell, hiddenSize: 5), attention: kind, inputFeeding: true,
                                    cells: builtinCells(), rng: &rng)
    }

    func testOneCallEqualsStepByStepAndTheDecoderReadsTheFeed() throws {
        for (kind, cell) in [(AttentionKind.dot, "gru"), (.additive, "lstm"), (.none, "rnn")] {
            let m = try model(kind, cell: cell)
            XCTAssertEqual(m.decoder.namedParameters.first { $0.name == "weight_ih_l0" }?.variable.shape[1], 6 + 5,
                           "embedding 6 + õ 5")
            let batch = PairBatch(sources: [[4, 5, 6], [7, 8]], targets: [[4, 5, 6, 7], [8, 9]])
            var rng = RandomGenerator(seed: 0)
            let encoded = m.encode(batch.source, mask: batch.sourceMask, training: false, rng: &rng)
            XCTAssertEqual(encoded.state.count, 2, "one layer, then the feed")
            let whole = m.decode(batch.decoderInput, steps: batch.targetSteps, mask: batch.decoderMask, state: encoded.state,
                                 source: encoded, training: false, rng: &rng)
            var state = encoded.state
            let b = batch.batch
            for t in 0..<batch.targetSteps {
                let mask = Tensor(shape: [1, b], scalars: Array(batch.decoderMask.scalars[(t * b)..<((t + 1) * b)]))
                let step = m.decode(Array(batch.decoderInput[(t * b)..<((t + 1) * b)]), steps: 1, mask: mask, state: state,
                                    source: encoded, training: false, rng: &rng)
                state = step.state
                for row in 0..<b {
                    let v = 13, T = batch.targetSteps
                    let expected = Array(whole.logits.value.scalars[((row * T + t) * v)..<((row * T + t + 1) * v)])
                    let got = Array(step.logits.value.scalars[(row * v)..<((row + 1) * v)])
                    for (x, y) in zip(got, expected) { XCTAssertEqual(x, y, accuracy: 1e-5, "\(kind) \(cell) t=\(t)") }
                }
            }
        }
    }

    /// The feed matters: dropping õ_{t−1} (zeros instead) changes the next step's outputs.
    func testTheFeedChangesTheNextStep() throws {
        let m = try model(.dot, cell: "gru")
        let batch = PairBatch(sources: [[4, 5, 6]], targets: [[4, 5]])
        var rng = RandomGenerator(seed: 0)
        let encoded = m.encode(batch.source, mask: batch.sourceMask, training: false, rng: &rng)
        let first = m.decode([batch.decoderInput[0]], steps: 1, mask: nil, state: encoded.state, source: encoded, training: false, rng: &rng)
        let carried = m.decode([batch.decoderInput[1]], steps: 1, mask: nil, state: first.state, source: encoded, training: false, rng: &rng)
        var zeroed = first.state
        zeroed[zeroed.count - 1] = [Variable(Tensor(zeros: [1, 5]))]
        let dropped = m.decode([batch.decoderInput[1]], steps: 1, mask: nil, state: zeroed, source: encoded, training: false, rng: &rng)
        XCTAssertGreaterThan(carried.logits.value.maxAbsDifference(dropped.logits.value), 1e-4)
    }

    func testGreedyAndBeamDecodeWithTheFeed() throws {
        let m = try model(.dot, cell: "gru")
        let greedy = m.greedy([[4, 5, 6]], maxSteps: 6)[0]
        let beam = m.beamSearch([4, 5, 6], width: 1, maxSteps: 6)
        XCTAssertEqual(greedy.ids, beam.ids, "a beam of one is greedy decoding")
        XCTAssertEqual(m.beamSearch([4, 5, 6], width: 3, maxSteps: 6).ids.count <= 6, true)
    }
}
