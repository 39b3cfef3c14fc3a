import Foundation
import RecurTestSupport
import XCTest

/// Weights both ways through real PyTorch: export → load in PyTorch (scripts/load_in_pytorch.py)
/// → save_file(state_dict) → `recur import-weights` → the same logits; and the README's loading
/// snippet, run as printed, scores as `recur eval` does. Skipped with the reason when no Python
/// with torch, safetensors and zstandard is found (``Python``).
final class PyTorchRoundTripTests: HostTestCase {
    var python: URL!

    override func setUpWithError() throws {
        try super.setUpWithError()
        switch PythonTools.interpreter(importing: "torch, safetensors, zstandard") {
        case .success(let found): python = found
        case .failure(let unavailable): throw XCTSkip("PyTorch round trip skipped: \(unavailable.description)")
        }
    }

    static let prime = "The quick brown fox"

    /// `recur predict --show-scores` logits, one row per predicted character.
    func recurLogits(_ run: URL) throws -> [[Double]] {
        let result = try recur(["predict", run.path, Self.prime, "--length", "0", "--show-scores", "true", "--json"])
        XCTAssertEqual(result.status, 0, "\(result)")
        return try XCTUnwrap(try jsonObject(result.stdout)["steps"] as? [[String: Any]]).map { ($0["scores"] as? [Double]) ?? [] }
    }

    func maxDifference(_ a: [[Double]], _ b: [[Double]]) -> Double {
        zip(a, b).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? .infinity
    }

    func testCharLMWeightsComeBackFromPyTorchWithTheSameLogits() throws {
        let data = try corpus()
        for cell in ["lstm", "gru", "rnn"] {
            let run = try trainTinyRun("trained-\(cell)", data: data, extra: ["--cell": cell, "--layers": "2"])
            let bundle = path("\(cell).recur")
            XCTAssertEqual(try recur(["export", run.path, "-o", bundle]).status, 0)
            let saved = path("from-torch-\(cell).safetensors"), logitsFile = path("torch-logits-\(cell).json")
            let torch = try PythonTools.run(python, [BuildProducts.checkout.appendingPathComponent("scripts/load_in_pytorch.py").path, bundle,
                                                "--text", data.path, "--recur", BuildProducts.recur.path, "--save-state-dict", saved,
                                                "--logits", Self.prime, "--logits-json", logitsFile])
            XCTAssertEqual(torch.status, 0, "load_in_pytorch.py: \(torch.stdout)\(torch.stderr)")
            XCTAssertTrue(torch.stdout.contains("<All keys matched successfully>"), torch.stdout)

            let imported = try recur(["import-weights", saved, "--task", "char-lm", "--vocab", run.appendingPathComponent("vocab.json").path,
                                      "--data", data.path, "--batch", "2", "--seq-len", "8", "--run-dir", path("imported-\(cell)")])
            XCTAssertEqual(imported.status, 0, "\(imported)")
            XCTAssertTrue(imported.stdout.contains("2×\(cell) 8"), "the cell and sizes are read off the file: \(imported.stdout)")

            let original = try recurLogits(run), back = try recurLogits(work.appendingPathComponent("imported-\(cell)"))
            let torchLogits = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: logitsFile))) as? [[Double]])
            XCTAssertEqual(back, original, "\(cell): weights that went through PyTorch give bit-identical logits")
            let againstTorch = maxDifference(Array(torchLogits.prefix(original.count)), original)
            XCTAssertLessThan(againstTorch, 1e-5, "\(cell): PyTorch's logits against Recur's")
            print("PyTorch round trip \(cell): |Recur imported − Recur original| = \(maxDifference(back, original)), |PyTorch − Recur| = \(againstTorch); \(torch.stdout.split(separator: "\n").last ?? "")")
        }
    }

    /// The README's block under "Weights in PyTorch", exactly as printed, then a bits-per-char line.
    func testTheReadmeSnippetScoresAsRecurEval() throws {
        let readme = try String(contentsOf: BuildProducts.checkout.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try XCTUnwrap(readme.range(of: "**Weights in PyTorch.**"), "README has no 'Weights in PyTorch' section")
        let rest = readme[section.upperBound...]
        let start = try XCTUnwrap(rest.range(of: "```python\n")), end = try XCTUnwrap(rest[start.upperBound...].range(of: "```"))
        let snippet = String(rest[start.upperBound..<end.lowerBound])

        let data = try corpus()
        let run = try trainTinyRun("trained", data: data, extra: ["--layers": "2"])
        XCTAssertEqual(try recur(["export", run.path, "-o", path("model.recur")]).status, 0)
        let scoring = """
        text = open(\(String(reflecting: data.path)), encoding="utf-8").read()
        vocab = json.loads(files["vocab.json"])
        ids = torch.tensor([vocab.index(c) for c in text]).unsqueeze(1)
        with torch.no_grad():
            log_probs, _ = net(ids[:-1])
        print(torch.nn.functional.nll_loss(log_probs, ids[1:].squeeze(1)).item() / 0.6931471805599453)
        """
        try (snippet + scoring).write(to: work.appendingPathComponent("snippet.py"), atomically: true, encoding: .utf8)
        let result = try runRecur([path("snippet.py")], environment: ["PYTHONPATH": BuildProducts.checkout.appendingPathComponent("scripts/word_language_model").path],
                                  in: work, executable: python)
        XCTAssertEqual(result.status, 0, "the README snippet failed: \(result.stderr)")
        let torchBPC = try XCTUnwrap(Double(result.stdout.split(separator: "\n").last.map(String.init) ?? ""), result.stdout)
        let eval = try recur(["eval", path("model.recur"), "--data", data.path, "--json"])
        let recurBPC = try XCTUnwrap(try jsonObject(eval.stdout)["eval_bpc"] as? Double, "\(eval)")
        XCTAssertEqual(torchBPC, recurBPC, accuracy: 1e-4, "the README snippet's model scores as recur eval")
        print("README snippet: PyTorch \(torchBPC) bits/char, recur eval \(recurBPC), difference \(abs(torchBPC - recurBPC))")
    }

    /// Exports run `name`, loads the bundle into scripts/load_in_pytorch.py's PyTorch module
    /// (which checks it against `recur eval` and saves the state dict back), imports that with
    /// `importArguments`, and checks that the two runs score identically on `data`.
    func assertComesBackFromPyTorch(_ name: String, task: String, data: URL, importArguments: [String],
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try recur(["export", path(name), "-o", path("\(name).recur")]).status, 0, file: file, line: line)
        let saved = path("\(name)-torch.safetensors")
        let torch = try PythonTools.run(python, [BuildProducts.checkout.appendingPathComponent("scripts/load_in_pytorch.py").path,
                                            path("\(name).recur"), "--text", data.path, "--recur", BuildProducts.recur.path,
                                            "--save-state-dict", saved])
        XCTAssertEqual(torch.status, 0, "\(name): \(torch.stdout)\(torch.stderr)", file: file, line: line)
        XCTAssertTrue(torch.stdout.contains("<All keys matched successfully>"), torch.stdout, file: file, line: line)
        print("PyTorch \(task) \(name): \(torch.stdout.split(separator: "\n").last ?? "")")
        let imported = try recur(["import-weights", saved, "--task", task, "--data", data.path, "--run-dir", path("\(name)-back")] + importArguments)
        XCTAssertEqual(imported.status, 0, "\(imported)", file: file, line: line)
        let scores = try [name, "\(name)-back"].map {
            try jsonObject(try recur(["eval", path($0), "--data", data.path, "--json"]).stdout).filter { $0.key.hasPrefix("eval_") }
                .compactMapValues { $0 as? Double }
        }
        XCTAssertEqual(scores[1], scores[0], "\(name): weights back from PyTorch score identically", file: file, line: line)
    }

    /// A bidirectional 2-layer classifier with each pooling loads into scripts/load_in_pytorch.py's
    /// PyTorch module, scores as `recur eval` there, and comes back through save_file and
    /// import-weights with identical scores.
    func testClassifiersLoadInPyTorchAndComeBack() throws {
        let data = try write("labelled.txt", (0..<40).map { $0 % 2 == 0 ? "en\thello there \($0)" : "fr\tbonjour la \($0)" }.joined(separator: "\n"))
        for (cell, pool) in [("lstm", "last"), ("gru", "mean"), ("rnn", "max"), ("lstm", "attention")] {
            let name = "\(cell)-\(pool)"
            let trained = try recur(["run", "classification", "--cell", cell, "--pool", pool, "--bidirectional", "--layers", "2",
                                     "--hidden", "6", "--embedding", "4", "--batch", "4", "--steps", "5", "--eval-every", "5",
                                     "--data", data.path, "--run-dir", path(name)])
            XCTAssertEqual(trained.status, 0, "\(trained)")
            let run = work.appendingPathComponent(name)
            // --pool attention is read off attention.query; the other poolings have no weights to tell them.
            try assertComesBackFromPyTorch(name, task: "classification", data: data, importArguments: (pool == "attention" ? [] : ["--pool", pool]) + [
                "--vocab", run.appendingPathComponent("vocab.json").path, "--artifact", run.appendingPathComponent("labels.json").path])
        }
    }

    /// A 2-layer BiLSTM tagger with and without the CRF and character features loads into the
    /// script's PyTorch Tagger, scores as `recur eval`, and comes back identically.
    func testTaggersLoadInPyTorchAndComeBack() throws {
        let data = try write("tagged.txt", (0..<30).map { "w\($0 % 4)\tB-X\nv\($0 % 3)\tO\nu\($0 % 5)\tI-X\n" }.joined(separator: "\n"))
        for (name, flags) in [("softmax", [String]()), ("crf-chars", ["--crf", "true", "--char-features", "true"])] {
            let trained = try recur(["run", "tagging", "--layers", "2", "--hidden", "6", "--embedding", "4", "--batch", "4", "--steps", "5",
                                     "--eval-every", "5", "--data", data.path, "--run-dir", path(name)] + flags)
            XCTAssertEqual(trained.status, 0, "\(trained)")
            let run = work.appendingPathComponent(name)
            try assertComesBackFromPyTorch(name, task: "tagging", data: data, importArguments: [
                "--vocab", run.appendingPathComponent("vocab.json").path, "--artifact", run.appendingPathComponent("tags.json").path]
                + (flags.isEmpty ? [] : ["--artifact", run.appendingPathComponent("chars.json").path]))
        }
    }

    /// 2-layer translation models (each attention score, input feeding, bidirectional encoders)
    /// load into the script's PyTorch Translator with the same teacher-forced loss as `recur eval`,
    /// and come back through save_file and import-weights identically.
    func testTranslationModelsLoadInPyTorchAndComeBack() throws {
        let data = try write("pairs.txt", (0..<40).map { "A\($0 % 5) b, c!\t\($0 % 5) C d." }.joined(separator: "\n"))
        let variants: [(String, [String])] = [
            ("dot", ["--attention", "dot"]), ("general-bi", ["--attention", "general", "--bidirectional"]),
            ("additive-feed", ["--attention", "additive", "--input-feeding", "true"]),
            ("none-gru-bi", ["--attention", "none", "--cell", "gru", "--bidirectional"]),
        ]
        for (name, flags) in variants {
            let trained = try recur(["run", "translation", "--layers", "2", "--hidden", "6", "--embedding", "4", "--batch", "4", "--steps", "5",
                                     "--eval-every", "5", "--data", data.path, "--run-dir", path(name)] + flags)
            XCTAssertEqual(trained.status, 0, "\(trained)")
            // The attention kind and input feeding are options the weights do not all reveal: given again;
            // eval sums the loss batch by batch, so the same --batch gives the same sums.
            let options = flags.filter { $0 != "--bidirectional" && $0 != "--cell" && $0 != "gru" }
            try assertComesBackFromPyTorch(name, task: "translation", data: data, importArguments: [
                "--vocab", work.appendingPathComponent("\(name)/vocab.json").path, "--batch", "4"] + options)
        }
    }

    /// A tied word-lm (word_language_model's tie_weights) comes back through save_file and
    /// import-weights with --tied read off the two equal tables, and scores identically.
    func testATiedWordLMComesBackTied() throws {
        let words = ["the", "cat", "sat", "on", "mat", "dog", "ran", "far"]
        let data = try write("words.txt", (0..<200).map { i in (0..<6).map { words[(i * 7 + $0 * 3) % words.count] }.joined(separator: " ") }.joined(separator: "\n"))
        let trained = try recur(["run", "word-lm", "--hidden", "8", "--embedding", "8", "--tied", "--batch", "2", "--seq-len", "8",
                                 "--steps", "5", "--eval-every", "5", "--data", data.path, "--run-dir", path("tied")])
        XCTAssertEqual(trained.status, 0, "\(trained)")
        XCTAssertEqual(try recur(["export", path("tied"), "-o", path("tied.recur")]).status, 0)
        let saved = path("tied-torch.safetensors")
        let torch = try PythonTools.run(python, [BuildProducts.checkout.appendingPathComponent("scripts/load_in_pytorch.py").path, path("tied.recur"),
                                                 "--text", data.path, "--recur", BuildProducts.recur.path, "--save-state-dict", saved])
        XCTAssertEqual(torch.status, 0, "\(torch.stdout)\(torch.stderr)")
        XCTAssertTrue(torch.stdout.contains("decoder.weight is encoder.weight: True"), torch.stdout)
        print("PyTorch word-lm tied: \(torch.stdout.split(separator: "\n").last ?? "")")
        let imported = try recur(["import-weights", saved, "--task", "word-lm", "--vocab", work.appendingPathComponent("tied/vocab.json").path,
                                  "--data", data.path, "--batch", "2", "--seq-len", "8", "--run-dir", path("tied-back")])
        XCTAssertEqual(imported.status, 0, "\(imported)")
        let config = try String(contentsOf: work.appendingPathComponent("tied-back/config.json"), encoding: .utf8)
        XCTAssertTrue(config.contains("\"tied\" : true"), config)
        let scores = try ["tied", "tied-back"].map {
            try jsonObject(try recur(["eval", path($0), "--data", data.path, "--json"]).stdout).filter { $0.key.hasPrefix("eval_") }
                .compactMapValues { $0 as? Double }
        }
        XCTAssertEqual(scores[1], scores[0])
    }
}
