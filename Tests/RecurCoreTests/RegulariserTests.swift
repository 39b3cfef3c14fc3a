import XCTest
import RecurCore
import RecurTestSupport

/// Weight decay, label smoothing and embedding dropout against PyTorch's numbers (computed once
/// with torch 2.x: `torch.optim.AdamW`, `F.cross_entropy(label_smoothing=)`) and against
/// finite differences.
final class RegulariserTests: XCTestCase {
    private func assertClose(_ a: [Float], _ b: [Float], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, file: file, line: line)
        for (i, (x, y)) in zip(a, b).enumerated() {
            XCTAssertEqual(x, y, accuracy: 1e-6 + 1e-5 * abs(y), "\(message) [\(i)]", file: file, line: line)
        }
    }

    /// `torch.optim.AdamW(lr=0.1, weight_decay=0.3)`, three steps.
    func testDecoupledDecayWithAdamIsAdamW() {
        let p = parameter(Tensor(shape: [5], scalars: [0.5, -1, 2, 0, -0.25]), "p")
        let adam = Adam(learningRate: 0.1)
        let grads: [[Float]] = [[0.1, -0.2, 0.3, 0, 1], [-0.5, 0.25, 0.1, 2, -1], [0.3, 0.3, -0.3, 0.1, 0]]
        let expected: [[Float]] = [[0.385, -0.87, 1.84, 0.0, -0.3425],
                                   [0.4332854, -0.8601732, 1.6976937, -0.0744137, -0.3269619],
                                   [0.4277403, -0.8872401, 1.6419243, -0.1328231, -0.3130846]]
        for (step, grad) in grads.enumerated() {
            p.grad = Tensor(shape: [5], scalars: grad)
            decayWeights([("p", p)], by: adam.learningRate * 0.3)
            adam.step([("p", p)])
            assertClose(p.value.scalars, expected[step], "AdamW step \(step + 1)")
        }
    }

    /// Under plain SGD, decoupled decay is the gradient of (λ/2)·‖w‖² added to the loss.
    func testDecoupledDecayWithSGDIsTheL2Gradient() {
        let start: [Float] = [0.5, -1, 2, 0.125], grad: [Float] = [0.2, 0.1, -0.4, 1]
        let lr: Float = 0.05, lambda: Float = 0.2
        let decayed = parameter(Tensor(shape: [4], scalars: start), "a")
        decayed.grad = Tensor(shape: [4], scalars: grad)
        decayWeights([("a", decayed)], by: lr * lambda)
        SGD(learningRate: lr).step([("a", decayed)])
        let penalised = parameter(Tensor(shape: [4], scalars: start), "b")
        penalised.grad = Tensor(shape: [4], scalars: zip(grad, start).map { $0 + lambda * $1 })
        SGD(learningRate: lr).step([("b", penalised)])
        assertClose(decayed.value.scalars, penalised.value.scalars, "SGD + decay vs SGD on L + λ/2‖w‖²")
    }

    func testDecayLeavesParametersWithoutGradientAlone() {
        let p = parameter(Tensor(shape: [2], scalars: [1, 2]), "p")
        decayWeights([("p", p)], by: 0.5)
        XCTAssertEqual(p.value.scalars, [1, 2])
    }

    private let logits: [Float] = [1, 2, 0.5, -1, 0, 0.3, -0.2, 0.7, 2, -1, 0, 0.1]

    /// `F.cross_entropy(z, y, label_smoothing=0.2)`, mean and (with an ignored row) sum.
    func testLabelSmoothingMatchesPyTorch() {
        let z = parameter(Tensor(shape: [3, 4], scalars: logits), "z")
        let mean = crossEntropy(logits: z, targets: [1, 3, 0], labelSmoothing: 0.2)
        XCTAssertEqual(mean.value.scalar, 0.8163796663284302, accuracy: 1e-6)
        mean.backward()
        assertClose(z.grad!.scalars, [0.05806928873062134, -0.08017996698617935, 0.02866297774016857, -0.006552255246788263,
                                      0.04765431210398674, 0.07015758007764816, 0.03599490225315094, -0.15380680561065674,
                                      -0.03358762338757515, -0.004232559818774462, 0.017132742330431938, 0.020687462761998177],
                    "mean gradient")
        z.zeroGrad()
        let sum = crossEntropy(logits: z, targets: [1, -1, 0], ignoreIndex: -1, reduction: .sum, labelSmoothing: 0.2)
        XCTAssertEqual(sum.value.scalar, 1.4038817882537842, accuracy: 1e-5)
        sum.backward()
        assertClose(z.grad!.scalars, [0.17420782148838043, -0.24053996801376343, 0.08598890900611877, -0.019656769931316376,
                                      0, 0, 0, 0,
                                      -0.10076296329498291, -0.01269768550992012, 0.05139820650219917, 0.06206236407160759],
                    "summed gradient")
    }

    func testLabelSmoothingGradientsAgreeWithFiniteDifferences() {
        let z = parameter(Tensor(shape: [3, 4], scalars: logits), "z")
        for smoothing: Float in [0.1, 0.5] {
            let report = GradientCheck().run(inputs: [("z", z)]) {
                weightedCrossEntropy(logits: z, targets: [2, 0, 3], weights: [0.5, 0, 2], labelSmoothing: smoothing).reshaped([1])
            }
            XCTAssertTrue(report.passed, "ε \(smoothing): \(report)")
        }
    }

    func testNoSmoothingIsPlainCrossEntropy() {
        let z = parameter(Tensor(shape: [3, 4], scalars: logits), "z")
        XCTAssertEqual(crossEntropy(logits: z, targets: [1, 3, 0]).value.scalar,
                       crossEntropy(logits: z, targets: [1, 3, 0], labelSmoothing: 0).value.scalar)
    }

    func testScaledRowLookupGradientAgreesWithFiniteDifferences() {
        var rng = RandomGenerator(seed: 3)
        let table = parameter(rng.uniformTensor([5, 3], -1, 1), "table")
        let scale: [Float] = [0, 2, 1, 0.5, 2]
        let report = GradientCheck().run(inputs: [("table", table)]) {
            embedding(table, ids: [1, 3, 1, 0, 4, 4], shape: [2, 3], rowScale: scale)
        }
        XCTAssertTrue(report.passed, "\(report)")
    }

    /// A dropped row is zero at every occurrence of its token; a kept one is scaled by 1/(1−p);
    /// outside training the lookup is untouched.
    func testEmbeddingDropoutDropsWholeRows() {
        var rng = RandomGenerator(seed: 11)
        let layer = Embedding(vocabularySize: 40, width: 3, rng: &rng)
        let ids: [Int32] = (0..<200).map { Int32($0 % 40) }
        var dropoutRNG = RandomGenerator(seed: 5)
        let out = layer(ids, shape: [200], dropout: 0.5, training: true, rng: &dropoutRNG).value.scalars
        let table = layer.weight.value.scalars
        var dropped = Set<Int32>(), kept = Set<Int32>()
        for (i, id) in ids.enumerated() {
            let row = Array(out[(i * 3)..<(i * 3 + 3)]), source = Array(table[(Int(id) * 3)..<(Int(id) * 3 + 3)])
            if row == [0, 0, 0] { dropped.insert(id) } else {
                kept.insert(id)
                assertClose(row, source.map { $0 * 2 }, "row of id \(id)")
            }
        }
        XCTAssertTrue(dropped.isDisjoint(with: kept), "a token is dropped everywhere or nowhere")
        XCTAssertGreaterThan(dropped.count, 8)
        XCTAssertGreaterThan(kept.count, 8)
        var unused = RandomGenerator(seed: 5)
        XCTAssertEqual(layer(ids, shape: [200], dropout: 0.5, training: false, rng: &unused).value.scalars,
                       layer(ids, shape: [200]).value.scalars)
    }
}
