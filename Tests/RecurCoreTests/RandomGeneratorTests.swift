import XCTest
@testable import RecurCore

final class RandomGeneratorTests: XCTestCase {
    func testSameSeedSameStream() {
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
        XCTAssertEqual((0..<100).map { _ in a.next() }, (0..<100).map { _ in b.next() })
        var c = RandomGenerator(seed: 6)
        XCTAssertNotEqual(a.next(), c.next())
    }

    func testStateSavedAndRestoredContinuesExactly() throws {
        var a = RandomGenerator(seed: 9)
        _ = (0..<10).map { _ in a.normal() }
        let saved = try JSONEncoder().encode(a)
        let expected = (0..<10).map { _ in a.uniform(-1, 1) }
        var b = try JSONDecoder().decode(RandomGenerator.self, from: saved)
        XCTAssertEqual((0..<10).map { _ in b.uniform(-1, 1) }, expected)
    }

    func testUniformAndNormalMoments() {
        var r = RandomGenerator(seed: 1)
        let u = (0..<20000).map { _ in r.uniform(-1, 1) }
        XCTAssertEqual(u.reduce(0, +) / 20000, 0, accuracy: 0.02)
        XCTAssertTrue(u.allSatisfy { $0 >= -1 && $0 < 1 })
        let n = (0..<20000).map { _ in r.normal() }
        let mean = n.reduce(0, +) / 20000
        let variance = n.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20000
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
    }

    func testLinearInitialisationBoundsLikePyTorch() {
        var r = RandomGenerator(seed: 2)
        let layer = Linear(inputSize: 16, outputSize: 8, rng: &r)
        XCTAssertTrue(layer.weight.value.scalars.allSatisfy { abs($0) <= 0.25 })
        XCTAssertEqual(layer.weight.shape, [8, 16])
    }

    func testSameSeedBitIdenticalTraining() {
        func train() -> [Float] {
            var r = RandomGenerator(seed: 11)
            let layer = Linear(inputSize: 4, outputSize: 3, rng: &r)
            let optimizer = Adam(learningRate: 0.01)
            let x = Variable(r.normalTensor([5, 4]))
            for _ in 0..<5 {
                for (_, p) in layer.namedParameters { p.zeroGrad() }
                crossEntropy(logits: layer(x).tanh(), targets: [0, 1, 2, 1, 0]).backward()
                optimizer.step(layer.namedParameters)
            }
            return layer.weight.value.scalars
        }
        XCTAssertEqual(train(), train())
    }
}
