import RecurKit
@testable import TranslationTask
import XCTest

/// Greedy and beam decoding with the decoder's recurrence on a ``ResidentStack`` give the
/// outputs of the tape's decoding: the same ids, attention rows and log-probabilities (to fp32
/// rounding), for every attention score, with and without input feeding, 1 and 2 layers, odd
/// sizes.
final class ResidentDecodingTests: XCTestCase {
    func model(_ kind: AttentionKind, cell: String, layers: Int, inputFeeding: Bool, seed: UInt64) throws -> TranslationModel {
        var rng = RandomGenerator(seed: seed)
        return try TranslationModel(sourceVocabulary: 11, targetVocabulary: 13, embedding: 6,
                                    stack: StackConfig(cell: cell, hiddenSize: 17, layers: layers), attention: kind,
                                    inputFeeding: inputFeeding, cells: builtinCells(), rng: &rng)
    }

    func assertEqual(_ a: Hypothesis, _ b: Hypothesis, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.ids, b.ids, label, file: file, line: line)
        XCTAssertEqual(a.finished, b.finished, label, file: file, line: line)
        XCTAssertEqual(a.logProbability, b.logProbability, accuracy: 1e-4, label, file: file, line: line)
        XCTAssertEqual(a.attention.count, b.attention.count, label, file: file, line: line)
        for (x, y) in zip(a.attention.joined(), b.attention.joined()) { XCTAssertEqual(x, y, accuracy: 1e-5, label, file: file, line: line) }
    }

    func testResidentDecodingEqualsTheTape() throws {
        let sources: [[Int32]] = [[4, 5, 6, 7, 3], [9, 8, 3], [4, 4, 10, 6, 5, 7, 3]]
        var seed: UInt64 = 1
        for kind in AttentionKind.allCases {
            for (cell, layers, feeding) in [("lstm", 1, false), ("gru", 2, true), ("rnn", 1, true), ("lstm", 2, true)] {
                seed += 1
                let m = try model(kind, cell: cell, layers: layers, inputFeeding: feeding, seed: seed)
                XCTAssertNotNil(ResidentDecoder(m), "\(cell): the decoder must have a resident form, or this test compares the tape with itself")
                for source in sources {
                    let label = "\(kind) \(cell) \(layers) layers, input feeding \(feeding), source \(source)"
                    GradMode.withNoGrad {
                        assertEqual(m.greedy([source], maxSteps: 9)[0], m.greedy([source], maxSteps: 9, resident: false)[0], "greedy \(label)")
                        for width in [1, 3] {
                            assertEqual(m.beamSearch(source, width: width, maxSteps: 9), m.beamSearch(source, width: width, maxSteps: 9, resident: false),
                                        "beam \(width) \(label)")
                        }
                    }
                }
            }
        }
    }

    /// The beam's top-k selection equals the prefix of a stable descending sort, ties included.
    func testTopIndicesEqualASortsPrefix() {
        var rng = RandomGenerator(seed: 9)
        for n in [1, 2, 5, 40] {
            for count in [1, 2, 3, 7] {
                // Values from a few levels, so ties are common.
                let row = (0..<n).map { _ in Float(Int(rng.nextUnit() * 4)) }
                let expected = Array(row.indices.sorted { row[$0] > row[$1] }.prefix(count))
                XCTAssertEqual(TranslationModel.topIndices(row, count: count), expected, "n \(n) count \(count) \(row)")
            }
        }
    }
}
