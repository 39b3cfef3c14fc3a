import Foundation
import RecurBuiltins
import RecurKit
import RecurTestSupport
import XCTest

/// Every registered cell × every registered task, generated from the registries: a few training
/// steps, a checkpoint, a session reopened from the checkpoint and the run's artifacts (as
/// `recur predict` does), and a prediction. A new task or cell joins the matrix by registering;
/// a new task also needs a line in `inputs` (the test says so).
final class SmokeMatrixTests: XCTestCase {
    /// Per task: small options, a data file's contents (nil: the task's own data) and an input to predict.
    let inputs: [String: (options: [String: String], data: String?, predict: String)] = [
        "char-lm": ([:], String(repeating: "the quick brown fox jumps over the lazy dog. ", count: 20), "the"),
        // hidden is 6 in the matrix, so --tied with embedding 6 holds.
        "word-lm": (["embedding": "6", "tied": "true"], String(repeating: "the quick brown fox\njumps over the lazy dog\n\n", count: 20), "the"),
        "classification": (["embedding": "4"],
                           (0..<30).map { $0 % 2 == 0 ? "en\thello there \($0)" : "fr\tbonjour la \($0)" }.joined(separator: "\n"),
                           "hello"),
        "translation": (["embedding": "4"], (0..<40).map { "a\($0 % 5) b\t\($0 % 5) c" }.joined(separator: "\n"), "a1 b"),
        "adding": (["length": "6", "test-size": "8"], nil, "0.1 0.5* 0.2 0.3*"),
        "copy": (["length": "3", "symbols": "2", "alphabet": "3", "test-size": "8"], nil, "1 3"),
        "conditional-lm": (["embedding": "4", "condition-size": "3"],
                           (0..<30).map { $0 % 2 == 0 ? "en\thello \($0)" : "fr\tbonjour \($0)" }.joined(separator: "\n"), "fr"),
        "tagging": (["embedding": "4", "crf": "true"], (0..<30).map { "w\($0 % 4)\tB-X\nv\($0 % 3)\tO\n" }.joined(separator: "\n"), "w1 v2"),
        // {png}: a generated 64×64 scene; {clip}: a folder of 8 numbered frames (written below).
        "captioning": (["image-size": "16", "conv": "4", "images": "12", "valid-images": "4", "embedding": "4"], nil, "{png}"),
        "vqa": (["image-size": "16", "conv": "4", "images": "12", "valid-images": "4", "embedding": "4", "hops": "1"], nil,
                "{png}\twhat colour is the square"),
        "video-captioning": (["image-size": "16", "conv": "4", "clips": "12", "valid-clips": "4", "frame-size": "6", "embedding": "4"],
                             nil, "{clip}"),
    ]

    func testEveryCellTrainsSavesReloadsAndPredictsOnEveryTask() throws {
        let (cells, tasks) = Builtins.registries()
        let folder = try BuildProducts.temporaryDirectory("matrix")
        defer { try? FileManager.default.removeItem(at: folder) }
        let world = ShapesWorld(seed: 5)
        let png = folder.appendingPathComponent("scene.png"), clip = folder.appendingPathComponent("clip")
        try world.captionedImages(.validation, count: 1)[0].image.writePNG(to: png)
        try FileManager.default.createDirectory(at: clip, withIntermediateDirectories: true)
        for (t, frame) in world.clips(.validation, count: 1)[0].frames.enumerated() {
            try frame.writePNG(to: clip.appendingPathComponent(String(format: "%04d.png", t + 1)))
        }
        for task in tasks.all {
            guard let input = inputs[task.name] else {
                XCTFail("task '\(task.name)' has no entry in SmokeMatrixTests.inputs; add its small options, data and an input")
                continue
            }
            for cell in cells.all {
                let label = "\(task.name) × \(cell.name)"
                var config = task.defaultConfig()
                config.stack.cell = cell.name
                config.stack.hiddenSize = 6
                config.stack.layers = 1
                config.stack.cellOptions = [:]
                config.batch = 4
                config.seqLen = 6
                config.steps = 2
                config.epochs = nil
                config.evalEvery = 2
                config.checkpointEvery = 2
                config.taskOptions = try task.resolveOptions(input.options)
                if let data = input.data {
                    let file = folder.appendingPathComponent("\(task.name).txt")
                    try data.write(to: file, atomically: true, encoding: .utf8)
                    config.data = file.path
                }
                let run = RunDirectory(folder.appendingPathComponent("\(task.name)-\(cell.name)"))
                try run.create(overwrite: true)
                let session = try task.makeSession(config, TaskContext(cells: cells))
                try run.writeArtifacts(try session.artifacts())
                let trainer = Trainer(config: config, session: session, run: run)
                let summary = try trainer.train(until: 2)
                XCTAssertEqual(summary.steps, 2, label)
                XCTAssertTrue(summary.trainLoss.isFinite, label)

                let checkpoint = try Checkpoint.decode(try Data(contentsOf: run.checkpointURL), source: label)
                let loaded = try task.makeSession(config, TaskContext(cells: cells, artifacts: try run.readArtifacts()))
                try load(checkpoint.weights, into: loaded.parameters)
                for (a, b) in zip(session.parameters, loaded.parameters) {
                    XCTAssertEqual(a.variable.value, b.variable.value, "\(label): \(a.name) after reload")
                }
                guard let predictor = loaded as? any Predicting else {
                    XCTFail("\(label): the session has no inference (Predicting)")
                    continue
                }
                let text = input.predict.replacingOccurrences(of: "{png}", with: png.path).replacingOccurrences(of: "{clip}", with: clip.path)
                let predictions = try GradMode.withNoGrad { try predictor.predict([text], text: [:], seed: 1) }
                XCTAssertEqual(predictions.count, 1, label)
                XCTAssertFalse(predictions[0].fields.isEmpty, label)
            }
        }
    }
}
