import Foundation
import RecurKit
import XCTest

/// `recur import-weights` and `run --init-from` with safetensors state dicts written here (the
/// PyTorch round trip itself is PyTorchRoundTripTests, which needs torch).
final class ImportWeightsTests: HostTestCase {
    /// A trained char-lm's weights alone, under their PyTorch names, as `save_file(model.state_dict())` writes them.
    func stateDict(of run: URL, edit: (inout [String: Tensor]) -> Void = { _ in }) throws -> URL {
        let checkpoint = try Checkpoint.decode(try Data(contentsOf: run.appendingPathComponent("checkpoint.safetensors")), source: "fixture")
        var weights = checkpoint.weights
        edit(&weights)
        let url = work.appendingPathComponent("state-dict-\(UUID().uuidString.prefix(6)).safetensors")
        try SafeTensors.encode(weights, metadata: ["format": "pt"]).write(to: url)
        return url
    }

    /// The logits `recur predict --show-scores` prints for each character of `prime`.
    func logits(_ run: String, prime: String = "The quick brown fox") throws -> [[Double]] {
        let result = try recur(["predict", path(run), prime, "--length", "0", "--show-scores", "true", "--json"])
        XCTAssertEqual(result.status, 0, "\(result)")
        let steps = try XCTUnwrap(try jsonObject(result.stdout)["steps"] as? [[String: Any]])
        return steps.map { ($0["scores"] as? [Double]) ?? [] }
    }

    static let sizes = ["--batch", "2", "--seq-len", "8"]

    func testAStateDictWithPyTorchNamesImportsToIdenticalLogits() throws {
        let data = try corpus()
        let run = try trainTinyRun("trained", data: data, extra: ["--layers": "2", "--cell": "gru"])
        let file = try stateDict(of: run)
        let result = try recur(["import-weights", file.path, "--task", "char-lm", "--vocab", run.appendingPathComponent("vocab.json").path,
                                "--data", data.path, "--run-dir", path("imported"), "--json"] + Self.sizes)
        XCTAssertEqual(result.status, 0, "\(result)")
        let summary = try jsonObject(result.stdout)
        XCTAssertEqual(summary["cell"] as? String, "gru", "the cell is read off the gate count")
        XCTAssertEqual(summary["layers"] as? Int, 2)
        XCTAssertEqual(summary["hidden"] as? Int, 8)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: work.appendingPathComponent("imported/config.json"))) as? [String: Any]
        XCTAssertEqual((config?["taskOptions"] as? [String: Any])?["embedding"] as? Int, 4, "the embedding width is read off encoder.weight")

        let original = try logits("trained"), imported = try logits("imported")
        XCTAssertEqual(original.count, "The quick brown fox".count - 1, "one row of logits per predicted character")
        XCTAssertEqual(imported, original, "the same weights give bit-identical logits")

        let eval = try recur(["eval", path("imported"), "--json"])
        XCTAssertEqual(eval.status, 0, "\(eval)")
        XCTAssertEqual(try jsonObject(eval.stdout)["step"] as? Int, 0)
        XCTAssertEqual(try recur(["sample", path("imported"), "--length", "10"]).status, 0)
        let resume = try recur(["resume", path("imported"), "--steps", "3"])
        XCTAssertEqual(resume.status, 0, "an imported run trains on: \(resume)")
    }

    func testOneHotInputIsReadOffAMissingEmbedding() throws {
        let data = try corpus()
        let run = try trainTinyRun("onehot", data: data, extra: ["--input": "one-hot"])
        let result = try recur(["import-weights", try stateDict(of: run).path, "--task", "char-lm", "--vocab",
                                run.appendingPathComponent("vocab.json").path, "--data", data.path, "--run-dir", path("imported")] + Self.sizes)
        XCTAssertEqual(result.status, 0, "\(result)")
        XCTAssertEqual(try logits("imported"), try logits("onehot"))
    }

    /// Missing keys, unexpected keys and shape conflicts are listed together, and nothing is written.
    func testEverythingThatDoesNotFitIsListedAndNoRunIsMade() throws {
        let data = try corpus()
        let run = try trainTinyRun("trained", data: data)
        let file = try stateDict(of: run) { weights in
            weights["decoder.bias"] = nil
            weights["decoder.weight"] = Tensor(shape: [3, 8], repeating: 0)
            weights["rnn.weight_hr_l0"] = Tensor(shape: [2, 2], repeating: 0)
        }
        let result = try recur(["import-weights", file.path, "--task", "char-lm", "--vocab", run.appendingPathComponent("vocab.json").path,
                                "--data", data.path, "--run-dir", path("imported")] + Self.sizes)
        XCTAssertEqual(result.status, 1)
        for fragment in ["does not fit char-lm's model", "missing from the file: decoder.bias", "not in the model: rnn.weight_hr_l0 [2, 2]",
                         "decoder.weight is [3, 8] in the file"] {
            XCTAssertTrue(result.stderr.contains(fragment), "no '\(fragment)' in: \(result.stderr)")
        }
        XCTAssertFalse(exists("imported"), "a refused import leaves no run behind")
    }

    func testFlagsThatContradictTheFileAreNamed() throws {
        let data = try corpus()
        let run = try trainTinyRun("trained", data: data)
        let result = try recur(["import-weights", try stateDict(of: run).path, "--task", "char-lm", "--hidden", "16", "--embedding", "5",
                                "--data", data.path, "--run-dir", path("imported")] + Self.sizes)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("--hidden 16, but the file's weights are for 8"), result.stderr)
        XCTAssertTrue(result.stderr.contains("--embedding 5, but the file's weights are for 4"), result.stderr)
    }

    /// A torch.save file is refused by its bytes, whatever its name, with the line that converts it.
    func testPickleIsRefusedWithTheConversionCommand() throws {
        let zip = try write("model.pt", bytes: [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 60))
        let result = try recur(["import-weights", zip.path, "--task", "char-lm", "--run-dir", path("imported")])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("is a torch.save archive (pickle inside); Recur never reads pickle"), result.stderr)
        XCTAssertTrue(result.stderr.contains("python3 -c \"import torch; from safetensors.torch import save_file;"), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "one line: \(result.stderr)")
        let renamed = try write("renamed.safetensors", bytes: [0x80, 0x02, 0x8A, 0x0A] + [UInt8](repeating: 0, count: 60))
        XCTAssertTrue(try recur(["import-weights", renamed.path, "--task", "char-lm"]).stderr.contains("is a pickle file"))
        XCTAssertFalse(exists("imported"))
    }

    func testATruncatedOrHostileHeaderIsOneLine() throws {
        let data = try corpus()
        let good = try Data(contentsOf: try stateDict(of: try trainTinyRun("trained", data: data)))
        let truncated = try write("truncated.safetensors", bytes: Array(good.prefix(good.count - 16)))
        var result = try recur(["import-weights", truncated.path, "--task", "char-lm"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("not a valid safetensors file"), result.stderr)
        let lying = try write("lying.safetensors", bytes: Array(withUnsafeBytes(of: UInt64(1 << 50).littleEndian) { Data($0) }) + Array("{}".utf8))
        result = try recur(["import-weights", lying.path, "--task", "char-lm"])
        XCTAssertTrue(result.stderr.contains("exceeds the file"), result.stderr)
        result = try recur(["import-weights", path("nowhere.safetensors"), "--task", "char-lm"])
        XCTAssertTrue(result.stderr.contains("nowhere.safetensors: no such file"), result.stderr)
    }

    /// `--init-from x.safetensors` used to be read as a run directory and named its parent folder.
    func testInitFromAStateDict() throws {
        let data = try corpus()
        let run = try trainTinyRun("trained", data: data)
        let file = try stateDict(of: run)
        let started = try recur(["run", "char-lm"] + Self.tiny(["--steps": "1"]) + ["--data", data.path, "--run-dir", path("started"),
                                                                                 "--init-from", file.path])
        XCTAssertEqual(started.status, 0, "\(started)")
        let misfit = try recur(["run", "char-lm"] + Self.tiny(["--hidden": "6"]) + ["--data", data.path, "--run-dir", path("misfit"),
                                                                                 "--init-from", file.path])
        XCTAssertEqual(misfit.status, 1)
        XCTAssertTrue(misfit.stderr.contains("--init-from \(file.path): its weights do not fit this model"), misfit.stderr)
        XCTAssertTrue(misfit.stderr.contains("rnn.weight_hh_l0 is [32, 8] in the file, [24, 6] in the model"), misfit.stderr)
        XCTAssertFalse(misfit.stderr.contains("is not a run directory"), misfit.stderr)
    }

    /// Trains `task`, writes its weights as a bare state dict, imports them with only the run's
    /// files and the data (sizes read off the file), and expects the same evaluation and prediction.
    func assertImportReproduces(task: String, data: String, flags: [String], artifacts: [String], input: String,
                                file: StaticString = #filePath, line: UInt = #line) throws {
        let dataFile = try write("\(task).txt", data)
        let common = ["--batch", "4", "--data", dataFile.path]
        let trained = try recur(["run", task, "--hidden", "6", "--embedding", "4", "--steps", "3", "--eval-every", "3",
                                 "--run-dir", path("\(task)-trained")] + common + flags)
        XCTAssertEqual(trained.status, 0, "\(trained)", file: file, line: line)
        let run = work.appendingPathComponent("\(task)-trained")
        let imported = try recur(["import-weights", try stateDict(of: run).path, "--task", task,
                                  "--vocab", run.appendingPathComponent("vocab.json").path, "--run-dir", path("\(task)-imported"), "--json"]
                                 + artifacts.flatMap { ["--artifact", run.appendingPathComponent($0).path] } + common)
        XCTAssertEqual(imported.status, 0, "\(imported)", file: file, line: line)
        let summary = try jsonObject(imported.stdout)
        XCTAssertEqual(summary["hidden"] as? Int, 6, file: file, line: line)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("config.json"))) as? [String: Any]
        let stack = config?["stack"] as? [String: Any]
        XCTAssertEqual(summary["bidirectional"] as? Bool, stack?["bidirectional"] as? Bool, "bidirectionality is read off the file", file: file, line: line)
        for name in ["trained", "imported"] {
            XCTAssertEqual(try recur(["eval", path("\(task)-\(name)"), "--data", dataFile.path, "--json"]).status, 0, file: file, line: line)
        }
        func metrics(_ name: String) throws -> [String: Double] {
            let object = try jsonObject(try recur(["eval", path("\(task)-\(name)"), "--data", dataFile.path, "--json"]).stdout)
            return object.compactMapValues { $0 as? Double }.filter { $0.key.hasPrefix("eval_") }
        }
        let original = try metrics("trained")
        XCTAssertFalse(original.isEmpty, file: file, line: line)
        XCTAssertEqual(try metrics("imported"), original, "\(task): the imported weights evaluate identically", file: file, line: line)
        let predictions = try ["trained", "imported"].map { try recur(["predict", path("\(task)-\($0)"), input, "--json"]).stdout }
        XCTAssertEqual(predictions[1], predictions[0], file: file, line: line)
    }

    func testABidirectionalClassifierImportsWithItsLabels() throws {
        try assertImportReproduces(
            task: "classification",
            data: (0..<30).map { $0 % 2 == 0 ? "en\thello there \($0)" : "fr\tbonjour la \($0)" }.joined(separator: "\n"),
            flags: ["--bidirectional", "--layers", "2", "--cell", "lstm"], artifacts: ["labels.json"], input: "hello there")
    }

    func testATranslationModelImportsFromItsEncoderAndDecoderNames() throws {
        try assertImportReproduces(task: "translation", data: (0..<40).map { "a\($0 % 5) b\t\($0 % 5) c" }.joined(separator: "\n"),
                                   flags: ["--cell", "gru", "--bidirectional"], artifacts: [], input: "a1 b")
    }

    /// --crf and --char-features are read off crf.transitions and chars.embedding.weight.
    func testATaggerWithCRFAndCharacterFeaturesImports() throws {
        try assertImportReproduces(task: "tagging", data: (0..<30).map { "w\($0 % 4)\tB-X\nv\($0 % 3)\tO\n" }.joined(separator: "\n"),
                                   flags: ["--crf", "true", "--char-features", "true"], artifacts: ["tags.json", "chars.json"], input: "w1 v2")
    }
}
