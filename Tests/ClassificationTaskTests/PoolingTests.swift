import XCTest
@testable import ClassificationTask
import RecurKit

/// Masks and pooling: a padded batch must give each sequence exactly what it gets alone.
final class PoolingTests: XCTestCase {
    func model(_ pooling: Pooling, cell: String = "lstm", bidirectional: Bool, layers: Int = 1) throws -> SequenceClassifier {
        var rng = RandomGenerator(seed: 3)
        let stack = StackConfig(cell: cell, hiddenSize: 5, layers: layers, bidirectional: bidirectional)
        return try SequenceClassifier(vocabularySize: 9, embedding: 4, classes: 3, stack: stack, pooling: pooling,
                                      cells: cellRegistry(), rng: &rng)
    }

    let sequences: [[Int32]] = [[2, 3, 4, 5, 6], [7, 2], [8, 8, 3]]

    func testPaddedBatchEqualsEachSequenceAloneForEveryPooling() throws {
        for pooling in Pooling.allCases {
            for bidirectional in [false, true] {
                for path in [SequenceDriver.Path.fused, .generic] {
                    let m = try model(pooling, bidirectional: bidirectional, layers: 2)
                    m.rnn.path = path
                    var rng = RandomGenerator(seed: 0)
                    let batched = m(TokenBatch(sequences), training: false, rng: &rng).logits.value.scalars
                    for (b, sequence) in sequences.enumerated() {
                        let alone = m(TokenBatch([sequence]), training: false, rng: &rng).logits.value.scalars
                        for c in 0..<3 {
                            XCTAssertEqual(batched[b * 3 + c], alone[c], accuracy: 1e-5, "\(pooling) bi=\(bidirectional) \(path) seq \(b)")
                        }
                    }
                }
            }
        }
    }

    func testLastPoolingIsForwardAtTheLastTokenAndBackwardAtTheFirst() throws {
        var rng = RandomGenerator(seed: 1)
        let stack = try RecurrentStack(StackConfig(cell: "gru", hiddenSize: 3, bidirectional: true), inputSize: 2,
                                       registry: cellRegistry(), rng: &rng)
        let batch = TokenBatch([[1, 1, 1], [1]])
        let x = Variable(rng.normalTensor([3, 2, 2]))
        let (outputs, states) = stack(x, mask: batch.mask, rng: &rng)
        let pooled = Pooling.last.pool(outputs: outputs, finalStates: states, directions: 2, batch: batch, query: nil).features.value
        let o = outputs.value
        for (b, length) in batch.lengths.enumerated() {
            for j in 0..<3 {
                XCTAssertEqual(pooled[b, j], o[length - 1, b, j], accuracy: 1e-6, "forward half")
                XCTAssertEqual(pooled[b, 3 + j], o[0, b, 3 + j], accuracy: 1e-6, "backward half")
            }
        }
    }

    func testAttentionWeightsSumToOneOverRealStepsOnly() throws {
        let m = try model(.attention, bidirectional: true)
        var rng = RandomGenerator(seed: 0)
        let batch = TokenBatch(sequences)
        let weights = m(batch, training: false, rng: &rng).attention!
        XCTAssertEqual(weights.shape, [3, 5])
        for (b, length) in batch.lengths.enumerated() {
            let row = (0..<5).map { weights[b, $0] }
            XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-5)
            XCTAssertTrue(row[length...].allSatisfy { $0 == 0 }, "\(row)")
        }
    }

    func testMaxAndAttentionPoolingGradientsMatchFiniteDifferences() {
        var rng = RandomGenerator(seed: 5)
        let batch = TokenBatch([[1, 1, 1, 1], [1, 1]])
        let h = Variable(rng.normalTensor([4, 2, 3]), requiresGrad: true)
        let q = Variable(rng.normalTensor([3]), requiresGrad: true)
        let mask = Variable(batch.mask.reshaped([4, 2, 1]))
        // Outputs are zero on padding, as the stack makes them.
        let maxReport = GradientCheck().run(inputs: [("h", h)]) { maxOverSteps(h * mask, lengths: batch.lengths) }
        XCTAssertTrue(maxReport.passed, maxReport.description)
        let attentionReport = GradientCheck().run(inputs: [("h", h), ("q", q)]) { attend(h * mask, query: q, batch: batch).features }
        XCTAssertTrue(attentionReport.passed, attentionReport.description)
    }

    func testMaxPoolingIgnoresPaddingZerosWhenEveryRealValueIsNegative() {
        let h = Variable(Tensor(shape: [3, 1, 1], scalars: [-2, -1, 0]))
        XCTAssertEqual(maxOverSteps(h, lengths: [2]).value.scalars, [-1])
    }
}
