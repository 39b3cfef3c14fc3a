import XCTest
@testable import RecurCore

/// Every op against central finite differences (GradientCheck: ε = 1e-3, |a − n| ≤ 2e-3 + 2e-2·|n|).
/// Inputs are drawn away from kinks (relu at 0, log near 0).
final class OpGradientTests: XCTestCase {
    var rng = RandomGenerator(seed: 42)

    func leaf(_ shape: [Int], _ low: Float = -1, _ high: Float = 1, _ name: String = "x") -> Variable {
        parameter(rng.uniformTensor(shape, low, high), name)
    }

    func check(_ inputs: [Variable], file: StaticString = #filePath, line: UInt = #line, _ f: @escaping () -> Variable) {
        let named = inputs.enumerated().map { ("input\($0.offset)", $0.element) }
        let report = GradientCheck().run(inputs: named, f)
        XCTAssertTrue(report.passed, report.description, file: file, line: line)
    }

    func testAddSubMulSameShape() {
        let a = leaf([3, 4]), b = leaf([3, 4])
        check([a, b]) { a + b }
        check([a, b]) { a - b }
        check([a, b]) { a * b }
    }

    func testBroadcastBiasRowAndColumn() {
        let a = leaf([3, 4]), row = leaf([4]), column = leaf([3, 1])
        check([a, row]) { a + row }
        check([a, row]) { a - row }
        check([a, column]) { a * column }
        check([row, a]) { row * a }
    }

    func testScalarOps() {
        let a = leaf([2, 5])
        check([a]) { a * 0.3 }
        check([a]) { 1 - a }
        check([a]) { a + 2 }
        check([a]) { -a }
    }

    func testActivations() {
        let a = leaf([4, 6], -2, 2)
        check([a]) { a.tanh() }
        check([a]) { a.sigmoid() }
        check([a]) { a.exp() }
        let positive = leaf([4, 6], 0.5, 2)
        check([positive]) { positive.log() }
        let awayFromKink = parameter(Tensor(shape: [6], scalars: [-1.5, -0.7, -0.2, 0.3, 0.9, 1.4]), "r")
        check([awayFromKink]) { awayFromKink.relu() }
    }

    func testMatmulAllTransposes() {
        for ta in [false, true] {
            for tb in [false, true] {
                let a = leaf(ta ? [4, 3] : [3, 4]), b = leaf(tb ? [5, 4] : [4, 5])
                check([a, b]) { matmul(a, b, transposeA: ta, transposeB: tb) }
            }
        }
    }

    func testBatchedMatmul() {
        for ta in [false, true] {
            for tb in [false, true] {
                let a = leaf(ta ? [2, 4, 3] : [2, 3, 4]), b = leaf(tb ? [2, 5, 4] : [2, 4, 5])
                check([a, b]) { matmul(a, b, transposeA: ta, transposeB: tb) }
            }
        }
    }

    func testSoftmaxAndLogSoftmax() {
        let a = leaf([3, 5], -3, 3)
        check([a]) { softmax(a) }
        check([a]) { logSoftmax(a) }
    }

    func testMaskedSoftmaxOverEveryRowOfEachBatchItem() {
        let scores = leaf([2, 3, 4], -3, 3)
        let mask = Tensor(shape: [2, 4], scalars: [1, 1, 0, 1, 1, 0, 0, 0])
        check([scores]) { maskedSoftmax(scores, mask: mask) }
        let flat = leaf([2, 4], -3, 3)
        check([flat]) { maskedSoftmax(flat, mask: mask) }
    }

    func testMaskedSoftmaxGivesExactZerosAndSumsToOneOverKeptPositions() {
        let scores = Variable(Tensor(shape: [2, 1, 3], scalars: [50, -50, 3, 1, 2, 3]))
        let mask = Tensor(shape: [2, 3], scalars: [0, 1, 1, 0, 0, 0])
        let y = maskedSoftmax(scores, mask: mask).value.scalars
        XCTAssertEqual(y[0], 0)
        XCTAssertEqual(y[1] + y[2], 1, accuracy: 1e-6)
        XCTAssertEqual(Array(y[3...]), [0, 0, 0], "a row with nothing kept is all zeros")
    }

    func testWeightedCrossEntropyPerTargetWeights() {
        let logits = leaf([4, 5], -2, 2)
        let targets: [Int32] = [1, 3, 4, 0]
        check([logits]) { weightedCrossEntropy(logits: logits, targets: targets, weights: [0.5, 2, 1, 0.25]).reshaped([1]) }
        check([logits]) {
            weightedCrossEntropy(logits: logits, targets: targets, weights: [0.5, 2, 1, 0.25], reduction: .sum).reshaped([1])
        }
    }

    func testWeightedCrossEntropyIsPyTorchsWeightedMeanAndSkipsZeroWeights() {
        let logits = leaf([3, 4], -2, 2)
        let each = (0..<3).map { crossEntropy(logits: logits, targets: [[2, -1, -1], [-1, 0, -1], [-1, -1, 3]][$0]).value.scalar }
        let weighted = weightedCrossEntropy(logits: logits, targets: [2, 0, 3], weights: [3, 1, 0]).value.scalar
        XCTAssertEqual(weighted, (3 * each[0] + each[1]) / 4, accuracy: 1e-5)
        let padded = weightedCrossEntropy(logits: logits, targets: [2, 0, -7], weights: [1, 1, 0]).value.scalar
        XCTAssertEqual(padded, crossEntropy(logits: logits, targets: [2, 0, -1]).value.scalar)
        XCTAssertEqual(weightedCrossEntropy(logits: logits, targets: [0, 0, 0], weights: [0, 0, 0]).value.scalar, 0)
    }

    func testCrossEntropyWithIgnoredRow() {
        let logits = leaf([4, 5], -2, 2)
        check([logits]) { crossEntropy(logits: logits, targets: [1, -1, 4, 0]).reshaped([1]) }
        check([logits]) { crossEntropy(logits: logits, targets: [1, 2, 4, 0], reduction: .sum).reshaped([1]) }
    }

    func testEmbeddingScatterAddsRepeatedIds() {
        let table = leaf([5, 3])
        check([table]) { embedding(table, ids: [0, 3, 3, 1, 0, 4], shape: [2, 3]) }
    }

    func testConcatSliceSplitStackSelect() {
        let a = leaf([2, 3]), b = leaf([2, 4]), c = leaf([3, 2, 4])
        check([a, b]) { concat([a, b]) }
        check([b]) { b.slice(start: 1, length: 2) }
        check([c]) { c.slice(axis: 0, start: 1, length: 2) }
        check([b]) { let parts = b.split(sizes: [1, 3]); return parts[1] * 2 + parts[0] }
        check([a, a]) { stack([a, a * 2]) }
        check([c]) { c.select(2) }
        check([a, b]) { concat([a.reshaped([2, 3, 1]), b.reshaped([2, 4, 1])], axis: 1) }
    }

    func testReshapeTransposePermute() {
        let a = leaf([2, 3, 4])
        check([a]) { a.reshaped([6, 4]) }
        check([a]) { a.transposed() }
        check([a]) { a.permuted([1, 0, 2]) }
    }

    func testSumMean() {
        let a = leaf([3, 4])
        check([a]) { a.sum().reshaped([1]) }
        check([a]) { a.mean().reshaped([1]) }
        check([a]) { a.sum(axis: 0) }
        check([a]) { a.sum(axis: 1) }
    }

    func testDropoutGradientFollowsItsMask() {
        let a = leaf([4, 8])
        check([a]) {
            var local = RandomGenerator(seed: 3)   // same mask on every evaluation
            return dropout(a, probability: 0.4, training: true, rng: &local)
        }
    }

    func testLinearLayer() {
        var r = RandomGenerator(seed: 1)
        let layer = Linear(inputSize: 3, outputSize: 2, rng: &r)
        let x = leaf([2, 4, 3])
        check([x, layer.weight, layer.bias!]) { layer(x) }
    }

    func testGradientsAccumulateAcrossBackwardCalls() {
        let a = leaf([3])
        (a * 2).sum().backward()
        (a * 3).sum().backward()
        XCTAssertEqual(a.grad!.scalars, [5, 5, 5])
    }

    func testNoGradRecordsNothing() {
        let a = leaf([3])
        let y = GradMode.withNoGrad { (a * 2).tanh() }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertTrue(y.isLeaf)
        XCTAssertTrue(GradMode.isEnabled)
    }

    func testDivision() {
        var rng = RandomGenerator(seed: 21)
        let a = parameter(rng.uniformTensor([3, 4], -1, 1), "a")
        let b = parameter(Tensor(shape: [3, 4], scalars: rng.uniformTensor([3, 4], 0.5, 2).scalars), "b")
        let row = parameter(rng.uniformTensor([4], 0.5, 2), "row")
        check([a, b]) { a / b }
        check([a, row]) { a / row }
        XCTAssertEqual((a / b).value.scalars[5], a.value.scalars[5] / b.value.scalars[5])
    }

    func testLayerNorm() {
        var rng = RandomGenerator(seed: 22)
        let x = parameter(rng.uniformTensor([2, 3, 5], -2, 2), "x")
        check([x]) { layerNorm(x) }
        let y = layerNorm(x).value.scalars
        let first = Array(y[0..<5])
        XCTAssertEqual(first.reduce(0, +) / 5, 0, accuracy: 1e-6)
        XCTAssertEqual(first.map { $0 * $0 }.reduce(0, +) / 5, 1, accuracy: 1e-3, "unit variance, up to ε")
    }
}
