import Foundation
import XCTest

/// Train → sample → eval on a tiny repetitive corpus, through the CLI.
final class SmokeTests: HostTestCase {
    func testTrainSampleEval() throws {
        let data = try corpus(characters: 600)
        let run = work.appendingPathComponent("smoke")
        let train = try recur(["run", "char-lm"] + Self.tiny(["--steps": "40", "--eval-every": "20", "--log-every": "1",
                                                             "--lr": "0.03", "--seed": "1"])
                              + ["--data", data.path, "--run-dir", run.path])
        XCTAssertEqual(train.status, 0, "\(train)")
        XCTAssertEqual(train.stderr, "", "a successful run prints nothing on stderr: \(train)")
        XCTAssertTrue(train.stdout.contains("done: 40 steps"), "\(train)")
        XCTAssertTrue(train.stdout.contains("run: \(run.path)"), "\(train)")

        // The run directory.
        for name in ["config.json", "log.jsonl", "vocab.json", "checkpoint.safetensors"] {
            XCTAssertTrue(exists("smoke/\(name)"), "missing \(name)")
        }
        let config = try jsonObject(try String(contentsOf: run.appendingPathComponent("config.json"), encoding: .utf8))
        XCTAssertEqual(config["task"] as? String, "char-lm")
        XCTAssertEqual((config["steps"] as? NSNumber)?.intValue, 40)
        XCTAssertEqual(config["data"] as? String, data.path)
        let vocabulary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("vocab.json"))) as? [String])
        XCTAssertEqual(Set(vocabulary), Set(Self.englishText(characters: 600).map(String.init)), "vocab.json holds the corpus' characters")
        XCTAssertEqual(vocabulary, vocabulary.sorted { $0.unicodeScalars.first!.value < $1.unicodeScalars.first!.value })

        // log.jsonl: one line per step with the training fields, evaluation lines with the validation fields.
        let entries = try logEntries(run)
        let stepLines = entries.filter { $0["loss"] != nil }
        let evalLines = entries.filter { $0["val_loss"] != nil }
        XCTAssertEqual(stepLines.count, 40)
        XCTAssertEqual(stepLines.compactMap { ($0["step"] as? NSNumber)?.intValue }, Array(1...40))
        for line in stepLines {
            for key in ["step", "loss", "lr", "grad_norm", "chars_per_second"] {
                XCTAssertNotNil(line[key] as? NSNumber, "log line lacks \(key): \(line)")
            }
            XCTAssertEqual(try double(line, "lr"), 0.03, accuracy: 1e-6)
            XCTAssertGreaterThan(try double(line, "chars_per_second"), 0)
        }
        XCTAssertEqual(evalLines.compactMap { ($0["step"] as? NSNumber)?.intValue }, [20, 40])
        for line in evalLines {
            for key in ["val_loss", "val_bpc", "val_perplexity"] { XCTAssertNotNil(line[key] as? NSNumber, "\(key): \(line)") }
            XCTAssertEqual(try double(line, "val_bpc"), try double(line, "val_loss") / log(2), accuracy: 1e-9)
            XCTAssertEqual(try double(line, "val_perplexity"), exp(try double(line, "val_loss")), accuracy: 1e-6)
        }

        // Learning happened: the last loss is clearly below the first (ln 29 ≈ 3.37 at the start).
        let first = try double(stepLines.first!, "loss"), last = try double(stepLines.last!, "loss")
        XCTAssertLessThan(last, first - 0.5, "the loss should fall on a repetitive text: first \(first), last \(last)")
        XCTAssertLessThan(try double(evalLines[1], "val_loss"), try double(evalLines[0], "val_loss"))

        // sample: the prime, then exactly `length` characters of the vocabulary, then a newline.
        let prime = "The "
        let sample = try recur(["sample", run.path, "--prime", prime, "--length", "30", "--temperature", "0.5", "--seed", "3"])
        XCTAssertEqual(sample.status, 0, "\(sample)")
        XCTAssertEqual(sample.stderr, "", "\(sample)")
        XCTAssertTrue(sample.stdout.hasPrefix(prime), "\(sample)")
        XCTAssertTrue(sample.stdout.hasSuffix("\n"), "\(sample)")
        let generated = Array(sample.stdout.unicodeScalars.dropFirst(prime.unicodeScalars.count).dropLast())
        XCTAssertEqual(generated.count, 30, "\(sample)")
        XCTAssertTrue(generated.allSatisfy { vocabulary.contains(String($0)) }, "sampled a character outside the vocabulary: \(sample)")
        // Same seed, same text; --length 0 prints just the prime.
        XCTAssertEqual(try recur(["sample", run.path, "--prime", prime, "--length", "30", "--temperature", "0.5", "--seed", "3"]).stdout,
                       sample.stdout)
        XCTAssertEqual(try recur(["sample", run.path, "--prime", prime, "--length", "0"]).stdout, prime + "\n")
        let greedy = try recur(["sample", run.path, "--prime", prime, "--length", "12", "--top-k", "1"])
        XCTAssertEqual(greedy.status, 0, "\(greedy)")
        XCTAssertEqual(greedy.stdout.unicodeScalars.count, prime.unicodeScalars.count + 12 + 1, "\(greedy)")
        // Each precision flag (--half fp16, --bf16 bfloat16, --int8 a scale per row, --int4 a scale
        // and minimum per row and 64 columns): the same shape of output, and repeatable for a seed.
        for flag in ["--half", "--bf16", "--int8", "--int4"] {
            let arguments = ["sample", run.path, "--prime", prime, "--length", "30", "--seed", "3", flag]
            let kept = try recur(arguments)
            XCTAssertEqual(kept.status, 0, "\(flag): \(kept)")
            XCTAssertEqual(kept.stdout.unicodeScalars.count, prime.unicodeScalars.count + 30 + 1, "\(flag): \(kept)")
            XCTAssertTrue(kept.stdout.unicodeScalars.dropFirst(prime.unicodeScalars.count).dropLast().allSatisfy { vocabulary.contains(String($0)) }, "\(flag): \(kept)")
            XCTAssertEqual(try recur(arguments).stdout, kept.stdout, flag)
        }
        let halfAndBF16 = try recur(["sample", run.path, "--prime", prime, "--half", "--bf16"])
        XCTAssertEqual(halfAndBF16.status, 64, "\(halfAndBF16)")
        XCTAssertTrue(halfAndBF16.stderr.contains("--half and --bf16"), "\(halfAndBF16)")
        let both = try recur(["sample", run.path, "--prime", prime, "--half", "--int8"])
        XCTAssertEqual(both.status, 64, "\(both)")
        XCTAssertTrue(both.stderr.contains("--half and --int8"), "\(both)")
        let twoPrecisions = try recur(["sample", run.path, "--prime", prime, "--int8", "--int4"])
        XCTAssertEqual(twoPrecisions.status, 64, "\(twoPrecisions)")
        XCTAssertTrue(twoPrecisions.stderr.contains("--int8 and --int4"), "\(twoPrecisions)")
        let predictInt4 = try recur(["predict", run.path, prime, "--length", "5", "--int8", "true", "--int4", "true"])
        XCTAssertEqual(predictInt4.status, 64, "\(predictInt4)")
        XCTAssertTrue(predictInt4.stderr.contains("--int4 true: expected false when half, bf16 or int8 is true"), "\(predictInt4)")
        // The same choice as `recur predict` options: int8=true with half=true is one clear line.
        let predictBoth = try recur(["predict", run.path, prime, "--length", "5", "--half", "true", "--int8", "true"])
        XCTAssertEqual(predictBoth.status, 64, "\(predictBoth)")
        XCTAssertTrue(predictBoth.stderr.contains("--int8 true: expected false when half or bf16 is true"), "\(predictBoth)")
        XCTAssertEqual(predictBoth.stderr.split(separator: "\n").count, 1, "\(predictBoth)")
        // --threads 2: each step split between two workers, the same text as one.
        let two = try recur(["sample", run.path, "--prime", prime, "--length", "30", "--temperature", "0.5", "--seed", "3", "--threads", "2"])
        XCTAssertEqual(two.status, 0, "\(two)")
        XCTAssertEqual(two.stdout, sample.stdout)
        let three = try recur(["sample", run.path, "--prime", prime, "--threads", "3"])
        XCTAssertNotEqual(three.status, 0)
        XCTAssertTrue(three.stderr.contains("--threads must be 1 or 2"), "\(three)")

        // eval --json: the checkpoint's step and the validation metrics, equal to the last evaluation logged.
        let eval = try recur(["eval", run.path, "--json"])
        XCTAssertEqual(eval.status, 0, "\(eval)")
        let metrics = try jsonObject(eval.stdout)
        XCTAssertEqual((metrics["step"] as? NSNumber)?.intValue, 40)
        let bpc = try double(metrics, "val_bpc")
        XCTAssertTrue(bpc.isFinite && bpc > 0 && bpc < log2(Double(vocabulary.count)), "val_bpc \(bpc)")
        XCTAssertEqual(bpc, try double(evalLines[1], "val_bpc"), accuracy: 1e-9)
        // Which run was scored (the key has been `run_dir` and `run`; either names the run directory).
        XCTAssertEqual((metrics["run"] ?? metrics["run_dir"]) as? String, run.path, "\(metrics)")

        // eval --data scores another file under eval_* names.
        let other = try recur(["eval", run.path, "--data", data.path, "--json"])
        XCTAssertEqual(other.status, 0, "\(other)")
        let otherMetrics = try jsonObject(other.stdout)
        for key in ["eval_loss", "eval_bpc", "eval_perplexity"] { XCTAssertNotNil(otherMetrics[key] as? NSNumber, "\(key): \(other)") }
    }

    func testEveryBuiltInCellTrains() throws {
        let data = try corpus()
        for cell in ["rnn", "lstm", "gru"] {
            let run = work.appendingPathComponent("run-\(cell)")
            let result = try recur(["run", "char-lm"] + Self.tiny(["--cell": cell, "--layers": "2", "--dropout": "0.2"])
                                   + ["--data", data.path, "--run-dir", run.path, "--json"])
            XCTAssertEqual(result.status, 0, "\(cell): \(result)")
            let summary = try jsonObject(result.stdout)
            XCTAssertEqual((summary["steps"] as? NSNumber)?.intValue, 5, "\(cell)")
            let config = try jsonObject(try String(contentsOf: run.appendingPathComponent("config.json"), encoding: .utf8))
            XCTAssertEqual((config["stack"] as? [String: Any])?["cell"] as? String, cell)
        }
    }
}
