import Foundation
import RecurKit
import XCTest

/// FiLM blocks: names and shapes, a start near the identity modulation, the coordinate maps, and
/// a gradient check through the blocks into the features and the conditioning vector.
final class FiLMTests: XCTestCase {
    func testNamesShapesAndNearIdentityModulationAtTheStart() {
        var rng = RandomGenerator(seed: 11)
        let film = FiLMStack(channels: 5, conditionSize: 7, count: 2, rng: &rng)
        XCTAssertEqual(film.namedParameters.map(\.name),
                       ["blocks.0.project.weight", "blocks.0.project.bias", "blocks.0.conv.weight", "blocks.0.conv.bias",
                        "blocks.1.project.weight", "blocks.1.project.bias", "blocks.1.conv.weight", "blocks.1.conv.bias",
                        "generator.weight", "generator.bias"])
        XCTAssertEqual(film.namedParameters.map(\.variable.shape),
                       [[5, 7, 1, 1], [5], [5, 5, 3, 3], [5], [5, 7, 1, 1], [5], [5, 5, 3, 3], [5], [20, 7], [20]])
        // Δγ and β start at most 0.1 · U(±1/√Q) per input: γ ≈ 1, β ≈ 0 for any question.
        XCTAssertEqual(film.generator.bias!.value.scalars, [Float](repeating: 0, count: 20))
        XCTAssertLessThanOrEqual(film.generator.weight.value.scalars.map(abs).max()!, 0.1 / Float(7).squareRoot())
        let features = Variable(rng.uniformTensor([3, 5, 4, 6], 0, 1))
        XCTAssertEqual(film(features, condition: Variable(rng.uniformTensor([3, 7], -1, 1))).shape, [3, 5, 4, 6])
    }

    func testCoordinateMapsRunFromMinusOneToOne() {
        let maps = coordinateMaps(batch: 2, height: 3, width: 5)
        XCTAssertEqual(maps.shape, [2, 2, 3, 5])
        for b in 0..<2 { for y in 0..<3 { for x in 0..<5 {
            XCTAssertEqual(maps[b, 0, y, x], -1 + 2 * Float(x) / 4, accuracy: 1e-6)
            XCTAssertEqual(maps[b, 1, y, x], -1 + Float(y), accuracy: 1e-6)
        } } }
        XCTAssertEqual(coordinateMaps(batch: 1, height: 1, width: 1).scalars, [0, 0], "an axis of one is 0")
    }

    /// ReLUs have kinks, so the probe is small (as ConvEncoderTests' check).
    func testGradientsThroughTheBlocksTheFeaturesAndTheCondition() {
        var rng = RandomGenerator(seed: 12)
        let film = FiLMStack(channels: 3, conditionSize: 4, count: 2, rng: &rng)
        // A larger generator than the initial one, so the check sees γ and β away from 1 and 0.
        film.generator.weight.updateValue { w in for i in 0..<(12 * 4) { w[i] *= 10 } }
        let features = parameter(rng.uniformTensor([2, 3, 4, 5], -1, 1), "features")
        let condition = parameter(rng.uniformTensor([2, 4], -1, 1), "condition")
        let report = GradientCheck(epsilon: 2e-4).run(inputs: film.namedParameters + [("features", features), ("condition", condition)],
                                                      maxProbes: 30) {
            film(features, condition: condition)
        }
        XCTAssertTrue(report.passed, report.description)
    }
}
