import Foundation
import RecurTestSupport
import XCTest
@testable import ClassificationTask
import RecurKit

/// The task in-process: it learns, any cell and pooling trains, saved runs classify the same.
final class SessionTests: XCTestCase {

    func testLearnsTwoClassesToFullAccuracy() throws {
        let s = try Scratch()
        let session = try makeSession(try tinyConfig(data: try s.write("d.tsv", twoClassTSV())))
        XCTAssertEqual(session.labels, ["ab", "xy"])
        XCTAssertEqual(session.stepsPerEpoch, 5, "36 training examples in batches of 8")
        _ = try train(session, steps: 60)
        let metrics = try GradMode.withNoGrad { try session.evaluate() }
        XCTAssertEqual(metrics["val_accuracy"], 1)
        XCTAssertEqual(metrics["val_macro_f1"], 1)
        XCTAssertEqual(try session.classify(["abba", "yxxy"]).map(\.label), ["ab", "xy"])
    }

    func testEveryCellAndPoolingTrains() throws {
        let s = try Scratch()
        let data = try s.write("d.tsv", twoClassTSV())
        for cell in ["lstm", "gru", "rnn"] {
            for pool in Pooling.allCases {
                let session = try makeSession(try tinyConfig(data: data, cell: cell, bidirectional: pool == .last, options: ["pool": pool.rawValue]))
                let losses = try train(session, steps: 12)
                XCTAssertTrue(losses.allSatisfy(\.isFinite), "\(cell) \(pool)")
                XCTAssertLessThan(losses.suffix(3).reduce(0, +), losses.prefix(3).reduce(0, +), "\(cell) \(pool): \(losses)")
            }
        }
    }

    func testParameterNamesFollowPyTorch() throws {
        let s = try Scratch()
        let session = try makeSession(try tinyConfig(data: try s.write("d.tsv", twoClassTSV()), bidirectional: true, options: ["pool": "attention"]))
        XCTAssertEqual(session.parameters.map(\.name),
                       ["encoder.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
                        "rnn.weight_ih_l0_reverse", "rnn.weight_hh_l0_reverse", "rnn.bias_ih_l0_reverse", "rnn.bias_hh_l0_reverse",
                        "attention.query", "classifier.weight", "classifier.bias"])
        XCTAssertEqual(Array(session.model.embedding.weight.value.scalars.prefix(6)), [0, 0, 0, 0, 0, 0], "the <pad> row starts at zero")
    }

    func testASavedSessionClassifiesFromItsArtifactsAlone() throws {
        let s = try Scratch()
        let config = try tinyConfig(data: try s.write("d.tsv", twoClassTSV()), options: ["pool": "attention"])
        let trained = try makeSession(config)
        _ = try train(trained, steps: 10)
        var moved = config
        moved.data = s.directory.appendingPathComponent("gone.tsv").path
        let loaded = try makeSession(moved, artifacts: try trained.artifacts())
        try load(Dictionary(uniqueKeysWithValues: trained.parameters.map { ($0.name, $0.variable.value) }), into: loaded.parameters)
        let texts = ["ab", "xyxyxy", "aby"]
        let a = try trained.classify(texts), b = try loaded.classify(texts)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a[1].attention?.count, 6)
        XCTAssertEqual(a[0].ranked.map(\.probability).reduce(0, +), 1, accuracy: 1e-5)
        XCTAssertThrowsMessage(try loaded.classify([""]), ["the text is empty"])
        XCTAssertThrowsMessage(try loaded.trainingLoss(step: 0, rng: &RandomGenerator.scratch), ["gone.tsv", "no such file"])
    }

    func testALoadedSessionEvaluatesItsRunsValidationSplit() throws {
        let s = try Scratch()
        let config = try tinyConfig(data: try s.write("d.tsv", twoClassTSV()))
        let trained = try makeSession(config)
        let loaded = try makeSession(config, artifacts: try trained.artifacts())
        try load(Dictionary(uniqueKeysWithValues: trained.parameters.map { ($0.name, $0.variable.value) }), into: loaded.parameters)
        XCTAssertEqual(try GradMode.withNoGrad { try loaded.evaluate() }, try GradMode.withNoGrad { try trained.evaluate() })
        var moved = config
        moved.data = s.directory.appendingPathComponent("gone.tsv").path
        XCTAssertThrowsMessage(try makeSession(moved, artifacts: try trained.artifacts()).evaluate(), ["gone.tsv", "no such file"])
    }

    /// `recur resume` rebuilds the session from the run's files: it must continue with the same batches.
    func testASessionLoadedFromARunTrainsOnTheSameBatches() throws {
        let s = try Scratch()
        let config = try tinyConfig(data: try s.write("d.tsv", twoClassTSV()), options: ["class-weights": "balanced"])
        let fresh = try makeSession(config)
        let loaded = try makeSession(config, artifacts: try fresh.artifacts())
        try load(Dictionary(uniqueKeysWithValues: fresh.parameters.map { ($0.name, $0.variable.value) }), into: loaded.parameters)
        XCTAssertEqual(loaded.stepsPerEpoch, fresh.stepsPerEpoch)
        var r1 = RandomGenerator(seed: 4), r2 = RandomGenerator(seed: 4)
        XCTAssertEqual(try fresh.trainingLoss(step: 7, rng: &r1).loss.value, try loaded.trainingLoss(step: 7, rng: &r2).loss.value)
    }

    func testBalancedWeightsEqualiseClassesAndUnitWeightsGivePlainCrossEntropy() throws {
        XCTAssertEqual(ClassificationSession.balancedWeights([0, 0, 0, 1], classes: 2), [4 / 6, 2])
        var rng = RandomGenerator(seed: 2)
        let logits = Variable(rng.normalTensor([4, 3]))
        let targets: [Int32] = [0, 2, 1, 2]
        XCTAssertEqual(weightedCrossEntropy(logits: logits, targets: targets, weights: [1, 1, 1, 1]).value.scalar,
                       crossEntropy(logits: logits, targets: targets).value.scalar, accuracy: 1e-5)
        let s = try Scratch()
        let session = try makeSession(try tinyConfig(data: try s.write("d.tsv", twoClassTSV()), options: ["class-weights": "balanced"]))
        XCTAssertTrue(try train(session, steps: 3).allSatisfy(\.isFinite))
    }

    func testTrainerWritesTheConfusionMatrixIntoTheRunDirectory() throws {
        let s = try Scratch()
        var config = try tinyConfig(data: try s.write("d.tsv", twoClassTSV()))
        config.steps = 3
        config.evalEvery = 2
        let session = try makeSession(config)
        let run = RunDirectory(s.directory.appendingPathComponent("run"))
        try run.create(overwrite: false)
        let trainer = Trainer(config: config, session: session, run: run)
        _ = try trainer.train(until: 3)
        let svg = try String(contentsOf: run.url.appendingPathComponent("confusion.svg"), encoding: .utf8)
        XCTAssertTrue(svg.contains("<svg") && svg.contains(">ab</text>"))
        XCTAssertTrue(try String(contentsOf: run.url.appendingPathComponent("confusion.txt"), encoding: .utf8).contains("macro-F1"))
    }

    func testEvaluatesAnOutsideFileAndRefusesUnknownClasses() throws {
        let s = try Scratch()
        let session = try makeSession(try tinyConfig(data: try s.write("d.tsv", twoClassTSV())))
        let metrics = try GradMode.withNoGrad { try session.evaluate(file: try s.write("o.tsv", "ab\tab\nxy\txy\n")) }
        XCTAssertNotNil(metrics["eval_accuracy"])
        XCTAssertThrowsMessage(try session.evaluate(file: try s.write("p.tsv", "zz\tab\n")), ["p.tsv:1", "class 'zz' is not one the model knows"])
    }
}

extension RandomGenerator {
    nonisolated(unsafe) static var scratch = RandomGenerator(seed: 0)
}
