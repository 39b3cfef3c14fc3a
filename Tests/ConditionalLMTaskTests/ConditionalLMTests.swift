import ConditionalLMTask
import Foundation
import RecurBuiltins
import RecurKit
import XCTest

/// conditional-lm: the condition enters where asked, conditioning helps on data where the class
/// decides the text, and sampling gives distinct texts of the class.
final class ConditionalLMTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("recur-clm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Two classes whose texts differ only by their letters: "ab…" vs "xy…".
        try (0..<40).map { "ab\(String(repeating: "ab", count: $0 % 4))" }.joined(separator: "\n")
            .write(to: folder.appendingPathComponent("first.txt"), atomically: true, encoding: .utf8)
        try (0..<40).map { "xy\(String(repeating: "xy", count: $0 % 4))" }.joined(separator: "\n")
            .write(to: folder.appendingPathComponent("second.txt"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func session(_ conditionOn: String, seed: UInt64 = 0) throws -> ConditionalLMSession {
        var config = ConditionalLMPlugin.descriptor.defaultConfig()
        config.stack.hiddenSize = 16
        config.batch = 8
        config.seed = seed
        config.data = folder.path
        config.taskOptions = try ConditionalLMPlugin.descriptor.resolveOptions(["embedding": "8", "condition-size": "4", "condition-on": conditionOn])
        return try ConditionalLMPlugin.descriptor.makeSession(config, TaskContext(cells: Builtins.cells())) as! ConditionalLMSession
    }

    func testTheConditionEntersWhereAsked() throws {
        let names = { (s: ConditionalLMSession) in Set(s.parameters.map(\.name)) }
        XCTAssertTrue(names(try session("init")).contains("init.weight"))
        XCTAssertFalse(names(try session("input")).contains("init.weight"))
        XCTAssertEqual(try session("input").parameters.first { $0.name == "rnn.weight_ih_l0" }?.variable.shape, [48, 12],
                       "GRU input = embedding 8 + condition 4")
        XCTAssertEqual(try session("init").parameters.first { $0.name == "rnn.weight_ih_l0" }?.variable.shape, [48, 8])
    }

    func testConditioningHelpsAndSamplesBelongToTheirClass() throws {
        let s = try session("both")
        var rng = RandomGenerator(seed: 1)
        let optimizer = Adam(learningRate: 0.01)
        for step in 0..<150 {
            for (_, p) in s.parameters { p.zeroGrad() }
            try s.trainingLoss(step: step, rng: &rng).loss.backward()
            optimizer.step(s.parameters)
        }
        let metrics = try GradMode.withNoGrad { try s.evaluate() }
        // Knowing the class removes the choice between "a…" and "x…": about 1 bit per text.
        XCTAssertGreaterThan(metrics["val_bpc_gain"]!, 0.05, "\(metrics)")
        XCTAssertLessThan(metrics["val_bpc"]!, metrics["val_bpc_withheld"]!)

        let first = try s.predict(["first"], text: ["n": "3", "temperature": "0.5"], seed: 3)[0]
        guard case .array(let samples)? = first.fields["samples"] else { return XCTFail("no samples") }
        XCTAssertEqual(samples.count, 3, "three distinct samples")
        XCTAssertEqual(Set(samples).count, 3)
        for case .string(let text) in samples { XCTAssertTrue(text.hasPrefix("ab"), text) }
        XCTAssertThrowsError(try s.predict(["third"], text: [:], seed: 0)) {
            XCTAssertTrue("\($0)".contains("the classes are first, second"), "\($0)")
        }
    }

    /// A saved run's files are a stranger's: a broken labels.json or vocab.json is one clear error.
    func testBrokenArtifactsAreRefusedClearly() throws {
        let s = try session("both")
        var config = s.config
        config.data = nil
        let good = try s.artifacts()
        for (name, bytes, fragment) in [("labels.json", #"["first", "first"]"#, "labels.json"),
                                        ("labels.json", #"{"not": "a list"}"#, "labels.json"),
                                        ("vocab.json", #"["<pad>", "<bos>", "<eos>", "<unk>", "a", "a"]"#, "listed twice")] {
            var artifacts = good
            artifacts[name] = Data(bytes.utf8)
            XCTAssertThrowsError(try ConditionalLMPlugin.descriptor.makeSession(config, TaskContext(cells: Builtins.cells(), artifacts: artifacts))) {
                XCTAssertTrue("\($0)".contains(fragment), "\(name): \($0)")
                XCTAssertFalse("\($0)".contains("\n"), "one line")
            }
        }
    }
}
