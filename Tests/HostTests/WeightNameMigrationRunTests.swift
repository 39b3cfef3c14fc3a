import Foundation
import RecurKit
import XCTest

/// A classification run saved when its embedding was `embedding.weight` evaluates, resumes and
/// exports under today's `encoder.weight`.
final class WeightNameMigrationRunTests: HostTestCase {
    func testARunWithTheOldEmbeddingNameStillLoads() throws {
        let data = try write("labelled.txt", (0..<30).map { $0 % 2 == 0 ? "en\thello there \($0)" : "fr\tbonjour la \($0)" }.joined(separator: "\n"))
        let trained = try recur(["run", "classification", "--hidden", "6", "--embedding", "4", "--batch", "4", "--steps", "3",
                                 "--eval-every", "3", "--data", data.path, "--run-dir", path("run")])
        XCTAssertEqual(trained.status, 0, "\(trained)")
        let before = try jsonObject(try recur(["eval", path("run"), "--json"]).stdout)

        // Rewrite the checkpoint as the previous Recur wrote it.
        let url = work.appendingPathComponent("run/checkpoint.safetensors")
        var checkpoint = try Checkpoint.decode(try Data(contentsOf: url), source: "run")
        checkpoint.weights["embedding.weight"] = checkpoint.weights.removeValue(forKey: "encoder.weight")
        for key in checkpoint.optimizerState.keys where key.hasSuffix(".encoder.weight") {
            checkpoint.optimizerState[key.replacingOccurrences(of: ".encoder.weight", with: ".embedding.weight")] = checkpoint.optimizerState.removeValue(forKey: key)
        }
        try checkpoint.encoded().write(to: url)
        XCTAssertNotNil(try Checkpoint.decode(try Data(contentsOf: url), source: "run").weights["embedding.weight"])

        let after = try jsonObject(try recur(["eval", path("run"), "--json"]).stdout)
        XCTAssertEqual(after["val_accuracy"] as? Double, before["val_accuracy"] as? Double)
        XCTAssertEqual(after["val_loss"] as? Double, before["val_loss"] as? Double)
        let resumed = try recur(["resume", path("run"), "--steps", "4"])
        XCTAssertEqual(resumed.status, 0, "the optimizer state is renamed too: \(resumed)")
        XCTAssertEqual(try recur(["export", path("run"), "-o", path("run.recur")]).status, 0)
        let names = try XCTUnwrap(try jsonObject(try recur(["inspect", path("run.recur"), "--json"]).stdout)["parameters"] as? [[String: Any]])
        XCTAssertTrue(names.contains { $0["name"] as? String == "encoder.weight" }, "\(names)")
    }
}
