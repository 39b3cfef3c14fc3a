import RecurKit
import Foundation
import RecurTestSupport
import RecurKit
@testable import TaggingTask
import XCTest

/// The task in-process: it learns a toy NER set with either output layer, padding is masked,
/// saved runs tag the same, predictions print.
final class SessionTests: XCTestCase {
    func testLearnsToyEntitiesWithSoftmaxAndWithCRF() throws {
        let s = try Scratch()
        let data = try s.write("toy.conll", toyCoNLL())
        for crf in [false, true] {
            let session = try makeSession(try tinyConfig(data: data, options: ["crf": "\(crf)"]))
            XCTAssertEqual(session.scheme, .bio)
            XCTAssertEqual(session.tags, ["B-LOC", "B-PER", "I-PER", "O"])
            XCTAssertEqual(session.stepsPerEpoch, 7, "54 training sentences in batches of 8")
            let losses = try train(session, steps: 70)
            XCTAssertLessThan(losses.suffix(5).reduce(0, +), losses.prefix(5).reduce(0, +) / 4, "crf \(crf): \(losses)")
            let metrics = try GradMode.withNoGrad { try session.evaluate() }
            XCTAssertEqual(metrics["val_token_accuracy"], 1, "crf \(crf): \(metrics)")
            XCTAssertEqual(metrics["val_entity_f1"], 1, "crf \(crf): \(metrics)")
            XCTAssertEqual(try session.tag("we met bob smith in oslo").tags, ["O", "O", "B-PER", "I-PER", "O", "B-LOC"], "crf \(crf)")
            let report = try XCTUnwrap(session.evaluationReport())
            XCTAssertTrue(report.text.contains("tag scheme: BIO, detected"), report.text)
            XCTAssertEqual(Set(report.files.keys), ["confusion.txt", "confusion.svg", "entities.txt"])
        }
    }

    func testLossIsTheMeanOverRealTokensWhateverThePadding() throws {
        let s = try Scratch()
        let data = try s.write("toy.conll", toyCoNLL())
        for crf in [false, true] {
            let session = try makeSession(try tinyConfig(data: data, options: ["crf": "\(crf)"]))
            let short = TaggingSession.Encoded(ids: [2, 3], tags: [3, 1]), long = TaggingSession.Encoded(ids: [4, 5, 6, 7, 8], tags: [3, 3, 1, 2, 0])
            var rng = RandomGenerator(seed: 0)
            func summed(_ items: [TaggingSession.Encoded]) -> Float {
                let batch = TokenBatch(items.map(\.ids))
                return session.model.summedLoss(emissions: session.model.emissions(batch, training: false, rng: &rng),
                                                gold: items.map(\.tags), batch: batch).value.scalar
            }
            // Alone, the short sentence has no padding; beside the long one it has 3 padded steps.
            XCTAssertEqual(summed([short]) + summed([long]), summed([short, long]), accuracy: 1e-4, "crf \(crf)")
        }
    }

    func testASavedSessionTagsFromItsArtifactsAlone() throws {
        let s = try Scratch()
        let config = try tinyConfig(data: try s.write("toy.conll", toyCoNLL()), options: ["crf": "true"])
        let trained = try makeSession(config)
        try train(trained, steps: 10)
        var moved = config
        moved.data = s.directory.appendingPathComponent("gone.conll").path
        let loaded = try makeSession(moved, artifacts: try trained.artifacts())
        try load(Dictionary(uniqueKeysWithValues: trained.parameters.map { ($0.name, $0.variable.value) }), into: loaded.parameters)
        XCTAssertEqual(try trained.tag("we met zed in rome"), try loaded.tag("we met zed in rome"))
        XCTAssertEqual(try loaded.tag("we met zed in rome").unknown, ["zed"])
        let prediction = try GradMode.withNoGrad { try loaded.predict(["we met ann"], text: [:], seed: 0) }[0]
        XCTAssertEqual(prediction.fields["decoding"], .string("viterbi"))
        XCTAssertEqual(prediction.text.split(separator: "\n").count, 3)
        XCTAssertThrowsMessage(try loaded.tag("   "), ["the text is empty"])
        XCTAssertThrowsMessage(try loaded.trainingLoss(step: 0, rng: &RandomGenerator.scratch), ["gone.conll", "no such file"])
        XCTAssertEqual(loaded.parameters.map(\.name).suffix(5),
                       ["tagger.weight", "tagger.bias", "crf.start_transitions", "crf.end_transitions", "crf.transitions"])
    }

    func testRefusesTagsTheModelDoesNotKnowAndOverlongSentences() throws {
        let s = try Scratch()
        let session = try makeSession(try tinyConfig(data: try s.write("toy.conll", toyCoNLL())))
        let other = try s.write("other.conll", "we\tO\nmet\tB-ORG\n")
        XCTAssertThrowsMessage(try session.evaluate(file: other), ["other.conll:1", "tag 'B-ORG' is not one the model knows"])
        XCTAssertThrowsMessage(try makeSession(try tinyConfig(data: try s.write("toy.conll", toyCoNLL()), options: ["max-length": "5"])),
                               ["toy.conll:", "longer than --max-length 5"])
    }

    func testPlainTagSetsHaveNoEntityScores() throws {
        let s = try Scratch()
        let lines = (0..<30).map { $0 % 2 == 0 ? "the cat sat\tDT NN VB" : "a dog ran\tDT NN VB" }
        let session = try makeSession(try tinyConfig(data: try s.write("pos.tsv", lines.joined(separator: "\n"))))
        XCTAssertEqual(session.scheme, .none)
        let metrics = try GradMode.withNoGrad { try session.evaluate() }
        XCTAssertNil(metrics["val_entity_f1"])
        XCTAssertNotNil(metrics["val_token_accuracy"])
        XCTAssertTrue(try XCTUnwrap(session.evaluationReport()).text.contains("tag scheme: none detected"))
    }
}
