import Foundation
import RecurTestSupport
@testable import TaggingTask
import XCTest

/// Entity precision, recall and F1 equal seqeval's default (conlleval) mode on every vector of
/// Golden/seqeval.json (written by scripts/seqeval_vectors.py with seqeval in a venv).
final class EntityScoreTests: XCTestCase {
    func testMatchesSeqevalOnEveryGoldenCase() throws {
        let golden = try Golden.load("seqeval")
        let cases = golden.filter { !$0.key.hasPrefix("_") }
        XCTAssertGreaterThanOrEqual(cases.count, 20)
        for (name, value) in cases.sorted(by: { $0.key < $1.key }) {
            let c = value as! [String: Any]
            let truth = c["truth"] as! [[String]], prediction = c["prediction"] as! [[String]]
            let scores = EntityScores(truth: truth, prediction: prediction)
            XCTAssertEqual(scores.overall.precision, (c["precision"] as! NSNumber).doubleValue, accuracy: 1e-12, name)
            XCTAssertEqual(scores.overall.recall, (c["recall"] as! NSNumber).doubleValue, accuracy: 1e-12, name)
            XCTAssertEqual(scores.overall.f1, (c["f1"] as! NSNumber).doubleValue, accuracy: 1e-12, name)
            let types = c["types"] as! [String: [String: NSNumber]]
            XCTAssertEqual(Set(scores.types.keys), Set(types.keys), "\(name): types of the truth and the prediction")
            for (type, expected) in types {
                let got = scores.types[type]
                XCTAssertEqual(got?.support, expected["support"]!.intValue, "\(name) \(type)")
                XCTAssertEqual(got?.precision ?? -1, expected["precision"]!.doubleValue, accuracy: 1e-12, "\(name) \(type)")
                XCTAssertEqual(got?.recall ?? -1, expected["recall"]!.doubleValue, accuracy: 1e-12, "\(name) \(type)")
                XCTAssertEqual(got?.f1 ?? -1, expected["f1"]!.doubleValue, accuracy: 1e-12, "\(name) \(type)")
            }
        }
    }

    func testConllevalChunksOfIllFormedSequences() {
        // I- after O starts a chunk; a type change inside one ends it and starts another.
        XCTAssertEqual(EntityScores.entities([["O", "I-PER", "I-PER", "I-LOC", "O", "B-ORG"]]),
                       [Entity(type: "PER", start: 1, end: 2), Entity(type: "LOC", start: 3, end: 3), Entity(type: "ORG", start: 5, end: 5)])
        // Sentences are joined with an O between them, so a chunk never spans two.
        XCTAssertEqual(EntityScores.entities([["B-PER"], ["I-PER"]]),
                       [Entity(type: "PER", start: 0, end: 0), Entity(type: "PER", start: 2, end: 2)])
    }

    func testSchemeDetection() {
        XCTAssertEqual(TagScheme.detect(["O", "B-PER", "I-PER", "B-LOC"]), .bio)
        XCTAssertEqual(TagScheme.detect(["O", "I-PER"]), .bio)
        XCTAssertEqual(TagScheme.detect(["O", "B-PER", "E-PER", "S-LOC"]), .iobes)
        XCTAssertEqual(TagScheme.detect(["O"]), .none)
        XCTAssertEqual(TagScheme.detect(["NN", "VB", "DT"]), .none)
        XCTAssertEqual(TagScheme.detect(["lower_none", "cap_comma"]), .none)
        XCTAssertEqual(TagScheme.detect(["O", "B-PER", "X-PER"]), .none)
    }
}
