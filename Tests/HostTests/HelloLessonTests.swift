import Foundation
import RecurKit
import XCTest

/// The RNN lecture's "hello" example, replayed: vocabulary h, e, l, o; one-hot input; one layer
/// of 3 tanh units; trained on "hello" until sampling from "h" gives "ello"; the per-step table.
final class HelloLessonTests: HostTestCase {
    func testTrainsOnHelloAndShowsTheLecturesTable() throws {
        let text = try write("hello.txt", "hello")
        let run = path("hello")
        let trained = try recur(["run", "char-lm", "--data", text.path, "--valid", "none", "--input", "one-hot", "--cell", "rnn",
                                 "--hidden", "3", "--batch", "1", "--seq-len", "4", "--steps", "300", "--lr", "0.05",
                                 "--eval-every", "300", "--run-dir", run, "--json"])
        XCTAssertEqual(trained.status, 0, "\(trained)")
        XCTAssertLessThan(try jsonObject(trained.stdout)["train_loss"] as? Double ?? .nan, 0.05, trained.stdout)

        // No embedding: W_ih sees the one-hot vector of the 4 characters.
        let weights = try Checkpoint.decode(Data(contentsOf: work.appendingPathComponent("hello/checkpoint.safetensors")), source: run).weights
        XCTAssertNil(weights["encoder.weight"])
        XCTAssertEqual(weights["rnn.weight_ih_l0"]?.shape, [3, 4])

        let sample = try recur(["sample", run, "--prime", "h", "--length", "4", "--temperature", "0.01"])
        XCTAssertEqual(sample.status, 0, "\(sample)")
        XCTAssertEqual(sample.stdout, "hello\n")

        let table = try recur(["sample", run, "--prime", "h", "--length", "4", "--temperature", "0.01", "--show-scores"])
        XCTAssertEqual(table.status, 0, "\(table)")
        let lines = table.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].contains("scores: e") && lines[0].contains("o"), table.stdout)
        XCTAssertEqual(lines.dropFirst().prefix(4).map { $0.split(separator: " ").last.map(String.init) ?? "" }, ["e", "l", "l", "o"], table.stdout)
        XCTAssertEqual(lines[1].filter { $0 == "[" }.count, 1, "the 3 hidden units are shown: \(lines[1])")

        let json = try recur(["predict", run, "h", "--length", "4", "--temperature", "0.01", "--show-scores", "true", "--json"])
        let steps = try XCTUnwrap(try jsonObject(json.stdout)["steps"] as? [[String: Any]], json.stdout)
        XCTAssertEqual(steps.count, 4)
        XCTAssertEqual((steps[0]["hidden"] as? [Double])?.count, 3)
        XCTAssertEqual((steps[0]["probabilities"] as? [Double]).map { $0.reduce(0, +) } ?? 0, 1, accuracy: 1e-5)
    }

    /// Without --valid none, a 5-character text is refused with the reason.
    func testTinyCorpusWithASplitIsRefusedClearly() throws {
        let text = try write("hello.txt", "hello")
        let result = try recur(["run", "char-lm", "--data", text.path, "--batch", "1", "--seq-len", "4", "--run-dir", path("x")])
        XCTAssertEqual(result.status, 1, "\(result)")
        XCTAssertTrue(result.stderr.contains("too short"), result.stderr)
    }
}
