import Foundation
import XCTest
import RecurTestSupport

/// `recur run word-lm` end to end: perplexity, sampling words, the --tied refusal, and a tied
/// bundle that loads into PyTorch's word_language_model RNNModel with the same numbers.
final class WordLMCommandTests: HostTestCase {
    static let flags = ["--hidden", "8", "--embedding", "8", "--max-vocab", "20", "--batch", "2", "--seq-len", "8",
                        "--steps", "6", "--eval-every", "6", "--lr", "2"]

    func trainTied() throws -> URL {
        let result = try recur(["run", "word-lm", "--tied"] + Self.flags + ["--data", try corpus(characters: 1500).path, "--run-dir", path("run")])
        XCTAssertEqual(result.status, 0, "\(result)")
        return work.appendingPathComponent("run")
    }

    func testEvalReportsPerplexityAndSampleWritesWords() throws {
        let run = try trainTied()
        let metrics = try jsonObject(try recur(["eval", run.path, "--json"]).stdout)
        XCTAssertEqual(try double(metrics, "val_ppl"), exp(try double(metrics, "val_loss")), accuracy: 1e-6)
        let vocabulary = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("vocab.json"))) as! [String]
        XCTAssertEqual(vocabulary.count, 20)
        XCTAssertEqual(Array(vocabulary.prefix(2)), ["<eos>", "<unk>"])

        let sample = try recur(["sample", run.path, "--prime", "The quick", "--length", "15", "--seed", "2"])
        XCTAssertEqual(sample.status, 0, "\(sample)")
        XCTAssertTrue(sample.stdout.hasPrefix("The quick "), sample.stdout)
        let words = sample.stdout.split(whereSeparator: \.isWhitespace).dropFirst(2)
        XCTAssertEqual(words.count + sample.stdout.dropLast().filter { $0 == "\n" }.count, 15, sample.stdout)
        XCTAssertTrue(words.allSatisfy { vocabulary.contains(String($0)) }, sample.stdout)
    }

    /// A tied decoder is one parameter: inspect counts it once (as `recur run` does) and says so.
    func testInspectCountsATiedWeightOnce() throws {
        let run = try trainTied()
        let train = try recur(["export", run.path, "-o", path("tied.recur")])
        XCTAssertEqual(train.status, 0, "\(train)")
        let inspect = try jsonObject(try recur(["inspect", path("tied.recur"), "--json"]).stdout)
        let parameters = try XCTUnwrap(inspect["parameters"] as? [[String: Any]])
        let counts = Dictionary(uniqueKeysWithValues: parameters.map { ($0["name"] as! String, $0["count"] as! Int) })
        XCTAssertEqual(inspect["parameter_count"] as? Int, counts.values.reduce(0, +) - counts["decoder.weight"]!)
        XCTAssertEqual(parameters.first { $0["name"] as? String == "decoder.weight" }?["tied_to"] as? String, "encoder.weight")
        let text = try recur(["inspect", path("tied.recur")]).stdout
        XCTAssertTrue(text.contains("tied to encoder.weight"), text)
    }

    func testTiedWithHiddenOtherThanEmbeddingIsRefusedNamingBoth() throws {
        let result = try recur(["run", "word-lm", "--tied", "--hidden", "12", "--embedding", "8", "--steps", "1",
                                "--data", try corpus().path, "--run-dir", path("run")])
        assertUserError(result, contains: ["--tied", "got --hidden 12, --embedding 8"])
        XCTAssertFalse(exists("run"), "a refused run must leave nothing on disk")
    }

    /// A Python with torch, safetensors and zstandard: $RECUR_PYTHON, else the checkout's
    /// scripts/.venv; nil when neither has them.
    func pythonWithTorch() throws -> String? {
        let candidates = [ProcessInfo.processInfo.environment["RECUR_PYTHON"],
                          BuildProducts.checkout.appendingPathComponent("scripts/.venv/bin/python").path].compactMap { $0 }
        for python in candidates where FileManager.default.isExecutableFile(atPath: python) {
            let check = Process()
            check.executableURL = URL(fileURLWithPath: python)
            check.arguments = ["-c", "import torch, safetensors, zstandard"]
            check.standardError = FileHandle.nullDevice
            try check.run()
            check.waitUntilExit()
            if check.terminationStatus == 0 { return python }
        }
        return nil
    }

    /// encoder.weight, decoder.weight (equal) and decoder.bias load strictly into
    /// RNNModel(tie_weights=True) (the example's own model.py when $WORD_LANGUAGE_MODEL names its
    /// folder, else a stand-in with its names and tying), and score a text as `recur eval` does.
    func testTiedBundleLoadsIntoPyTorchWithTheSameNumbers() throws {
        guard let python = try pythonWithTorch() else {
            throw XCTSkip("no Python with torch, safetensors and zstandard (set RECUR_PYTHON or make scripts/.venv)")
        }
        let run = try trainTied()
        XCTAssertEqual(try recur(["export", run.path, "-o", path("tied.recur")]).status, 0)
        let probe = try write("probe.txt", "The quick brown fox\n\njumps over the unseen aardvark.\n")
        let recurLoss = try double(try jsonObject(try recur(["eval", path("tied.recur"), "--data", probe.path, "--json"]).stdout), "eval_loss")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [BuildProducts.checkout.appendingPathComponent("scripts/load_in_pytorch.py").path, path("tied.recur")]
            + (ProcessInfo.processInfo.environment["WORD_LANGUAGE_MODEL"].map { [$0] } ?? []) + ["--text", probe.path, "--json"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let loaded = try jsonObject(String(decoding: data, as: UTF8.self))
        XCTAssertEqual(loaded["load"] as? String, "<All keys matched successfully>")
        XCTAssertEqual(loaded["shared"] as? Bool, true, "decoder.weight must be encoder.weight in the loaded model")
        XCTAssertEqual(loaded["tokens"] as? Int, 12, "4 words + <eos>, <eos>, 5 words + <eos>")
        XCTAssertEqual(try double(loaded, "loss"), recurLoss, accuracy: 1e-4)
    }
}
