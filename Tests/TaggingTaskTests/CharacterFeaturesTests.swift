import Foundation
import RecurKit
import RecurTestSupport
@testable import TaggingTask
import XCTest

/// `--char-features`: a word's spelling reaches the tagger, so words never seen in training are
/// still tagged by how they are spelled, and a saved run keeps its character vocabulary.
final class CharacterFeaturesTests: XCTestCase {
    /// Sentences of made-up words tagged by their ending: "…ing" is V, "…er" is N. Validation
    /// uses stems never seen in training, so only spelling can tell.
    func suffixData(_ s: Scratch) throws -> (train: URL, valid: URL) {
        func stem(_ i: Int) -> String {
            let letters = Array("bcdfghklmnprstvz"), vowels = Array("aeiou")
            return String([letters[i % 16], vowels[(i / 16) % 5], letters[(i / 80 + 3 * i) % 16]])
        }
        func sentences(_ stems: Range<Int>) -> String {
            stems.map { i in
                let words = (0..<4).map { k in stem(i * 4 + k) + ((i + k) % 2 == 0 ? "ing" : "er") }
                return words.joined(separator: " ") + "\t" + words.map { $0.hasSuffix("ing") ? "V" : "N" }.joined(separator: " ")
            }.joined(separator: "\n")
        }
        return (try s.write("train.tsv", sentences(0..<60)), try s.write("valid.tsv", sentences(100..<120)))
    }

    func testUnseenWordsAreTaggedBySpellingAndTheRunReloads() throws {
        let s = try Scratch()
        let (train, valid) = try suffixData(s)
        var accuracy: [Bool: Double] = [:]
        for charFeatures in [false, true] {
            let config = try tinyConfig(data: train, options: ["valid": valid.path, "char-features": "\(charFeatures)",
                                                               "char-embedding": "6", "char-hidden": "6", "unk-rate": "0"])
            let session = try makeSession(config)
            XCTAssertEqual(session.parameters.contains { $0.name == "chars.rnn.weight_ih_l0_reverse" }, charFeatures)
            try RecurTestSupport.train(session, steps: 150)
            accuracy[charFeatures] = try GradMode.withNoGrad { try session.evaluate() }["val_token_accuracy"]!
            if charFeatures {
                let artifacts = try session.artifacts()
                XCTAssertNotNil(artifacts["chars.json"])
                let loaded = try makeSession(config, artifacts: artifacts)
                try load(Dictionary(uniqueKeysWithValues: session.parameters.map { ($0.name, $0.variable.value) }), into: loaded.parameters)
                XCTAssertEqual(try loaded.tag("zobing kiter").tags, try session.tag("zobing kiter").tags)
            }
        }
        print("tagging on unseen words, validation token accuracy by --char-features: \(accuracy)")
        // Every validation word is unknown: without spelling the tagger can only guess.
        XCTAssertGreaterThan(accuracy[true]!, 0.9, "\(accuracy)")
        XCTAssertLessThan(accuracy[false]!, accuracy[true]! - 0.2, "\(accuracy)")
    }
}
