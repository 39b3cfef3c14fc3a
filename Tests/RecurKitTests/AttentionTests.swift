import XCTest
import RecurKit

/// The attention module: every score against finite differences, exact zeros on padding, and
/// the parameter names bundles store.
final class AttentionTests: XCTestCase {
    let mask = Tensor(shape: [2, 4], scalars: [1, 1, 1, 0, 1, 1, 0, 0])

    func testEveryScoreMatchesFiniteDifferences() {
        for score in AttentionScore.allCases {
            var rng = RandomGenerator(seed: 11)
            let memoryWidth = score == .dot ? 3 : 5
            let attention = Attention(score: score, querySize: 3, memorySize: memoryWidth, attentionSize: 4, rng: &rng)
            let queries = parameter(rng.uniformTensor([2, 3, 3], -1, 1), "s")
            let memory = parameter(rng.uniformTensor([2, 4, memoryWidth], -1, 1), "h")
            let inputs = [("s", queries), ("h", memory)] + attention.namedParameters
            let context = GradientCheck().run(inputs: inputs) { attention(queries: queries, memory: memory, mask: self.mask).context }
            XCTAssertTrue(context.passed, "\(score) context: \(context)")
            let weights = GradientCheck().run(inputs: inputs) { attention(queries: queries, memory: memory, mask: self.mask).weights }
            XCTAssertTrue(weights.passed, "\(score) weights: \(weights)")
        }
    }

    func testPaddedPositionsGetExactlyZeroWeightAndRowsSumToOne() {
        for score in AttentionScore.allCases {
            var rng = RandomGenerator(seed: 2)
            let attention = Attention(score: score, querySize: 3, rng: &rng)
            let memory = Variable(rng.normalTensor([2, 4, 3]))
            let weights = attention(queries: Variable(rng.normalTensor([2, 2, 3])), memory: memory, mask: mask).weights.value
            XCTAssertEqual(weights.shape, [2, 2, 4])
            for b in 0..<2 {
                for t in 0..<2 {
                    let row = (0..<4).map { weights[b, t, $0] }
                    XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-5, "\(score)")
                    XCTAssertTrue(zip(row, mask.scalars[(b * 4)..<(b * 4 + 4)]).allSatisfy { $1 == 1 || $0 == 0 }, "\(score): \(row)")
                }
            }
        }
    }

    func testDotScoreIsTheQueryMemoryProduct() {
        var rng = RandomGenerator(seed: 0)
        let attention = Attention(score: .dot, querySize: 2, rng: &rng)
        let queries = Variable(Tensor(shape: [1, 1, 2], scalars: [1, 2]))
        let memory = Variable(Tensor(shape: [1, 2, 2], scalars: [3, 0, 0, 1]))
        let scores = attention.scores(queries: queries, keys: attention.keys(memory)).value.scalars
        XCTAssertEqual(scores, [3, 2])
    }

    func testParameterNamesAndShapes() {
        var rng = RandomGenerator(seed: 0)
        func shapes(_ score: AttentionScore) -> [String: [Int]] {
            let attention = Attention(score: score, querySize: 3, memorySize: 5, attentionSize: 4, rng: &rng)
            return Dictionary(uniqueKeysWithValues: attention.namedParameters.map { ($0.name, $0.variable.shape) })
        }
        XCTAssertEqual(shapes(.general), ["weight": [3, 5]])
        XCTAssertEqual(shapes(.additive), ["query.weight": [4, 3], "key.weight": [4, 5], "v.weight": [1, 4]])
        XCTAssertTrue(Attention(score: .dot, querySize: 3, rng: &rng).namedParameters.isEmpty)
    }
}
