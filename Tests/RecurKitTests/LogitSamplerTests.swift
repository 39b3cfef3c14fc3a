import XCTest
import RecurKit

/// ``LogitSampler`` draws what ``sampleIndex(_:temperature:topK:rng:)`` draws, seed for seed.
final class LogitSamplerTests: XCTestCase {
    func testSameIndicesAsSampleIndex() throws {
        var source = RandomGenerator(seed: 9)
        for count in [1, 2, 11, 65] {
            let sampler = LogitSampler(count: count)
            for trial in 0..<40 {
                var logits = (0..<count).map { _ in source.uniform(-6, 6) }
                if count > 2 && trial % 3 == 0 { logits[trial % count] = -.infinity }
                for (temperature, topK) in [(Float(1), nil), (0.5, 3), (2, 1), (1e-30, nil)] as [(Float, Int?)] {
                    var a = RandomGenerator(seed: UInt64(trial)), b = a
                    let expected = try sampleIndex(logits, temperature: temperature, topK: topK, rng: &a)
                    let drawn = try logits.withUnsafeBufferPointer { try sampler.sample($0.baseAddress!, temperature: temperature, topK: topK, rng: &b) }
                    XCTAssertEqual(drawn, expected, "count \(count) trial \(trial) T=\(temperature) k=\(topK.map(String.init) ?? "-")")
                    XCTAssertEqual(a, b, "both consume one draw")
                }
            }
        }
    }

    func testRejectsNonFiniteLogits() {
        let sampler = LogitSampler(count: 3)
        var rng = RandomGenerator(seed: 0)
        for bad: [Float] in [[0, .nan, 1], [0, .infinity, 1], [-.infinity, -.infinity, -.infinity]] {
            XCTAssertThrowsError(try bad.withUnsafeBufferPointer { try sampler.sample($0.baseAddress!, temperature: 1, topK: nil, rng: &rng) })
        }
    }
}
