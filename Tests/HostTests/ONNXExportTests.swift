import Foundation
import RecurTestSupport
import XCTest

/// `recur export RUN --format onnx`: the model runs in onnxruntime (scripts/run_onnx.py) with the
/// logits `recur predict` computes, for char-lm with each built-in cell and for classification
/// with each pooling; plugin cells and other tasks are refused with the reason. The onnxruntime
/// checks skip with the reason when no Python with onnx and onnxruntime is found (``Python``).
final class ONNXExportTests: HostTestCase {
    func onnxPython() throws -> URL {
        switch PythonTools.interpreter(importing: "onnx, onnxruntime, numpy") {
        case .success(let python): return python
        case .failure(let unavailable): throw XCTSkip("onnxruntime check skipped: \(unavailable.description)")
        }
    }

    /// The model's logits for `ids` `[T][B]`, through onnxruntime.
    func onnxLogits(_ python: URL, model: String, ids: [[Int]]) throws -> Any {
        let idsFile = work.appendingPathComponent("ids-\(UUID().uuidString.prefix(6)).json")
        try JSONSerialization.data(withJSONObject: ids).write(to: idsFile)
        let out = idsFile.deletingPathExtension().appendingPathExtension("out.json")
        let result = try PythonTools.run(python, [BuildProducts.checkout.appendingPathComponent("scripts/run_onnx.py").path, model, idsFile.path, out.path])
        XCTAssertEqual(result.status, 0, "run_onnx.py: \(result.stdout)\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: out))
    }

    func vocabulary(_ run: String) throws -> [String] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: work.appendingPathComponent("\(run)/vocab.json"))) as? [String])
    }

    func testCharLMLogitsMatchInOnnxruntime() throws {
        let python = try onnxPython()
        let data = try corpus()
        let prime = "The quick brown fox"
        // gru with one-hot input (no embedding table), rnn with residual connections between layers.
        for (cell, extra) in [("lstm", [String]()), ("gru", ["--input", "one-hot"]), ("rnn", ["--residual"])] {
            let name = "lm-\(cell)"
            let trained = try recur(["run", "char-lm"] + Self.tiny(["--cell": cell, "--layers": "2"]) + extra
                                    + ["--data", data.path, "--run-dir", path(name)])
            XCTAssertEqual(trained.status, 0, "\(trained)")
            let run = work.appendingPathComponent(name)
            let model = path("\(name).onnx")
            let export = try recur(["export", run.path, "--format", "onnx", "-o", model, "--json"])
            XCTAssertEqual(export.status, 0, "\(export)")
            XCTAssertEqual(try jsonObject(export.stdout)["opset"] as? Int, 17)
            // From the run's bundle, the same model byte for byte.
            XCTAssertEqual(try recur(["export", run.path, "-o", path("\(name).recur")]).status, 0)
            XCTAssertEqual(try recur(["export", path("\(name).recur"), "--format", "onnx", "-o", path("\(name)-bundle.onnx")]).status, 0)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("\(name)-bundle.onnx"))), try Data(contentsOf: URL(fileURLWithPath: model)))
            let vocab = try vocabulary(name)
            let ids = prime.map { [vocab.firstIndex(of: String($0))!] }
            let onnx = try XCTUnwrap(try onnxLogits(python, model: model, ids: ids) as? [[[Double]]])
            let predicted = try recur(["predict", run.path, prime, "--length", "0", "--show-scores", "true", "--json"])
            let recurLogits = try XCTUnwrap(try jsonObject(predicted.stdout)["steps"] as? [[String: Any]]).map { $0["scores"] as? [Double] ?? [] }
            XCTAssertEqual(recurLogits.count, prime.count - 1)
            let difference = zip(recurLogits, onnx).flatMap { zip($0, $1[0]).map { abs($0 - $1) } }.max() ?? .infinity
            XCTAssertLessThan(difference, 1e-5, "\(cell)")
            print("ONNX char-lm \(cell)\(extra.isEmpty ? "" : " " + extra.joined(separator: " ")): max |onnxruntime − recur| logit = \(difference)")
        }
    }

    func testClassifierProbabilitiesMatchInOnnxruntime() throws {
        let python = try onnxPython()
        let data = try write("labelled.txt", (0..<40).map { $0 % 2 == 0 ? "en\thello there \($0)" : "fr\tbonjour la \($0)" }.joined(separator: "\n"))
        let text = "hello there 3"
        for (cell, pool, extra) in [("lstm", "last", [String]()), ("gru", "mean", []), ("rnn", "max", ["--cell-option", "nonlinearity=relu"]),
                                    ("lstm", "attention", [])] {
            let name = "\(cell)-\(pool)"
            let trained = try recur(["run", "classification", "--cell", cell, "--pool", pool, "--bidirectional", "--layers", "2",
                                     "--hidden", "6", "--embedding", "4", "--batch", "4", "--steps", "5", "--eval-every", "5",
                                     "--data", data.path, "--run-dir", path(name)] + extra)
            XCTAssertEqual(trained.status, 0, "\(trained)")
            XCTAssertEqual(try recur(["export", path(name), "--format", "onnx", "-o", path("\(name).onnx")]).status, 0)
            let vocab = try vocabulary(name)
            let ids = text.map { [vocab.firstIndex(of: String($0)) ?? vocab.firstIndex(of: "<unk>")!] }
            let logits = try XCTUnwrap((try onnxLogits(python, model: path("\(name).onnx"), ids: ids) as? [[Double]])?.first)
            let top = logits.max()!, exps = logits.map { exp($0 - top) }, total = exps.reduce(0, +)
            let labels = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: work.appendingPathComponent("\(name)/labels.json"))) as? [String])
            let predicted = try XCTUnwrap(try jsonObject(try recur(["predict", path(name), text, "--json"]).stdout)["top"] as? [[String: Any]])
            XCTAssertEqual(predicted.count, labels.count)
            var difference = 0.0
            for entry in predicted {
                let k = try XCTUnwrap(labels.firstIndex(of: entry["label"] as? String ?? ""))
                difference = max(difference, abs((entry["probability"] as? Double ?? .nan) - exps[k] / total))
            }
            XCTAssertLessThan(difference, 1e-5, name)
            print("ONNX classification \(name): max |onnxruntime − recur| probability = \(difference)")
        }
    }

    func testPluginCellsAndOtherTasksAreRefusedWithTheReason() throws {
        let folder = try BuildProducts.pluginCopies(["libgood.so"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try corpus()
        let run = try recur(["run", "char-lm"] + Self.tiny + ["--cell", "fixture-rnn", "--data", data.path, "--run-dir", path("plugin")],
                            environment: ["RECUR_PLUGIN_PATH": folder.path])
        XCTAssertEqual(run.status, 0, "\(run)")
        let refused = try recur(["export", path("plugin"), "--format", "onnx", "-o", path("plugin.onnx")], environment: ["RECUR_PLUGIN_PATH": folder.path])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("cell 'fixture-rnn' has no ONNX operator: ONNX's RNN, GRU and LSTM are Recur's rnn, gru and lstm"), refused.stderr)
        XCTAssertFalse(exists("plugin.onnx"))

        let pairs = try write("pairs.txt", (0..<40).map { "a\($0 % 5) b\t\($0 % 5) c" }.joined(separator: "\n"))
        XCTAssertEqual(try recur(["run", "translation", "--hidden", "6", "--embedding", "4", "--batch", "4", "--steps", "2", "--data", pairs.path,
                                  "--run-dir", path("tr")]).status, 0)
        let other = try recur(["export", path("tr"), "--format", "onnx"])
        XCTAssertEqual(other.status, 1)
        XCTAssertTrue(other.stderr.contains("task 'translation' has no ONNX export; char-lm and classification do"), other.stderr)
    }
}
