import Foundation
import XCTest
import CharLMTask
import LSTMCell
import RecurBundle
import RecurKit
import RecurTestSupport

final class RunBundleTests: XCTestCase {
    func testWriteReadRoundTrip() throws {
        let fixture = try BundleFixture()
        let file = fixture.root.appendingPathComponent("run.recur")
        try fixture.bundle().write(to: file)
        let back = try RunBundle(contentsOf: file)
        let original = try fixture.bundle()
        XCTAssertEqual(back.manifest.formatVersion, BundleManifest.currentFormat)
        XCTAssertEqual(back.manifest.task.name, "char-lm")
        XCTAssertEqual(back.manifest.cell, .init(name: "lstm", version: "1.0.0", origin: "built-in"))
        XCTAssertEqual(back.manifest.step, 4)
        XCTAssertEqual(back.checkpoint.weights, original.checkpoint.weights)
        XCTAssertEqual(back.checkpoint.optimizerState, original.checkpoint.optimizerState)
        XCTAssertEqual(back.checkpoint.taskTensors, original.checkpoint.taskTensors)
        XCTAssertEqual(back.checkpoint.position.rng, original.checkpoint.position.rng)
        XCTAssertEqual(Set(back.artifacts.keys), ["vocab.json"])
        XCTAssertEqual(Set(back.manifest.members.keys),
                       ["weights.safetensors", "optimizer.safetensors", "trainer.json", "vocab.json", "log.jsonl"])
        // zstd frame magic: the bundle is tar + zstd.
        XCTAssertEqual([UInt8](try Data(contentsOf: file).prefix(4)), [0x28, 0xB5, 0x2F, 0xFD])
    }

    func testWeightsUsePyTorchKeysAndSpec() throws {
        let fixture = try BundleFixture()
        let file = fixture.root.appendingPathComponent("run.recur")
        try fixture.bundle().write(to: file)
        XCTAssertEqual(Set(try RunBundle(contentsOf: file).checkpoint.weights.keys),
                       ["encoder.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
                        "decoder.weight", "decoder.bias"])
    }

    /// 2N steps in one go ≡ N steps, bundle, resume N: every loss and the final weights, bit for bit.
    func testResumeFromABundleContinuesExactly() throws {
        let fixture = try BundleFixture(steps: 0)
        let straight = try fixture.train(into: RunDirectory(fixture.root.appendingPathComponent("straight")), steps: 8)
        let firstHalf = try fixture.train(into: fixture.run, steps: 4)
        let file = fixture.root.appendingPathComponent("half.recur")
        try fixture.bundle().write(to: file)
        let bundle = try RunBundle(contentsOf: file)
        let resumedDirectory = RunDirectory(fixture.root.appendingPathComponent("resumed"))
        try bundle.materialize(at: resumedDirectory.url)
        let secondHalf = try fixture.train(into: resumedDirectory, steps: 8, from: bundle.checkpoint, artifacts: bundle.artifacts)
        XCTAssertEqual(firstHalf.losses + secondHalf.losses, straight.losses)
        for ((name, a), (_, b)) in zip(straight.session.parameters, secondHalf.session.parameters) {
            XCTAssertEqual(a.value, b.value, "\(name) differs after resume")
        }
    }

    func testMissingPluginIsNamed() throws {
        let fixture = try BundleFixture()
        let file = fixture.root.appendingPathComponent("run.recur")
        try fixture.bundle().write(to: file)
        let bundle = try RunBundle(contentsOf: file)
        let noCells = Registry<CellDescriptor>(kind: "cell")
        XCTAssertThrowsError(try bundle.checkPlugins(cells: noCells, tasks: fixture.tasks, source: "run.recur")) {
            XCTAssertEqual("\($0)", "run.recur: needs cell 'lstm' 1.0.0 (built-in), which is not registered here; registered cells: ")
        }
        XCTAssertThrowsError(try bundle.checkPlugins(cells: fixture.cells, tasks: Registry<TaskDescriptor>(kind: "task"), source: "run.recur")) {
            XCTAssertTrue("\($0)".contains("needs task 'char-lm' 1.0.0 (built-in)"), "\($0)")
        }
    }

    func testImportRefusesAnExistingDestinationAndWritesNothingElse() throws {
        let fixture = try BundleFixture()
        let bundle = try fixture.bundle()
        XCTAssertThrowsError(try bundle.materialize(at: fixture.run.url))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: fixture.root.path).filter { $0.hasPrefix(".") }, [])
    }

    /// A bundle committed to the repository: later format changes must keep loading it.
    func testGoldenBundleStillLoads() throws {
        let url = Golden.directory.appendingPathComponent("tiny-charlm.recur")
        let bundle = try RunBundle(contentsOf: url)
        // Written as format 1 (text options, `path` at the top); read through migration 1 → 2.
        XCTAssertEqual(bundle.manifest.formatVersion, BundleManifest.currentFormat)
        XCTAssertEqual(try CharLMOptions(bundle.manifest.config.taskOptions).embedding, 4)
        XCTAssertEqual(bundle.manifest.config.stack.path, .fused)
        XCTAssertEqual(bundle.manifest.task.name, "char-lm")
        let cells = Registry<CellDescriptor>(kind: "cell")
        try cells.register(LSTMPlugin.descriptor)
        let session = try CharLMPlugin.descriptor.makeSession(bundle.manifest.config, TaskContext(cells: cells, artifacts: bundle.artifacts))
        try load(bundle.checkpoint.weights, into: session.parameters)
        var rng = RandomGenerator(seed: 0)
        var text = ""
        try (session as! CharLMSession).generate(prime: "a", length: 10, temperature: 1, topK: nil, rng: &rng) { text += $0 }
        XCTAssertEqual(text.count, 11)
    }
}
