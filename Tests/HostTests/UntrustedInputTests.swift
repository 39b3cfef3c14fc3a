import Foundation
import RecurBundle
import RecurKit
import XCTest

/// What comes from outside — a hand-edited run directory, a stranger's bundle — is checked before
/// it is used, and a bad value ends in one `recur: …` line, never a crash.
final class UntrustedInputTests: HostTestCase {
    /// Rewrites a run's checkpoint through `edit`.
    func editCheckpoint(_ run: URL, _ edit: (inout Checkpoint) -> Void) throws {
        let url = run.appendingPathComponent("checkpoint.safetensors")
        var checkpoint = try Checkpoint.decode(Data(contentsOf: url), source: url.path)
        edit(&checkpoint)
        try checkpoint.encoded().write(to: url)
    }

    /// Optimizer state shaped unlike the parameters used to corrupt the heap at the first step.
    func testOptimizerStateOfTheWrongShapeIsRefusedBeforeAnyStep() throws {
        let data = try corpus()
        for optimizer in ["adam", "sgd", "adagrad"] {
            let run = try trainTinyRun(optimizer, data: data, extra: ["--optimizer": optimizer, "--momentum": "0.9"])
            var key = ""
            try editCheckpoint(run) { checkpoint in
                key = checkpoint.optimizerState.keys.filter { $0 != "step" }.sorted().first!
                checkpoint.optimizerState[key] = Tensor(zeros: [3, 1000])
            }
            let before = try snapshot(run)
            let result = try recur(["resume", run.path, "--steps", "8"])
            assertUserError(result, contains: [run.path, "'\(key)' has shape [3, 1000]"])
            try assertUnchanged(run, since: before, "a refused resume must not write")
        }
    }

    /// Exports `run` and rewrites the bundle through `edit`, with checksums that verify.
    func editedBundle(_ run: URL, _ name: String, _ edit: (inout RunBundle) -> Void) throws -> URL {
        let url = work.appendingPathComponent(name)
        XCTAssertEqual(try recur(["export", run.path, "-o", url.path]).status, 0)
        var bundle = try RunBundle(contentsOf: url)
        edit(&bundle)
        try FileManager.default.removeItem(at: url)
        try bundle.write(to: url)
        return url
    }

    func testABundleWithOptimizerStateOfTheWrongShapeIsRefusedAndLeavesNothing() throws {
        let run = try trainTinyRun("source", data: try corpus())
        let bundle = try editedBundle(run, "bad.recur") { $0.checkpoint.optimizerState["exp_avg.decoder.bias"] = Tensor(zeros: [7]) }
        let result = try recur(["resume", bundle.path, "--steps", "8", "--run-dir", path("resumed")])
        assertUserError(result, contains: [bundle.path, "optimizer.safetensors", "'exp_avg.decoder.bias' has shape [7]"])
        XCTAssertFalse(exists("resumed"), "a refused resume must leave no run directory")
    }

    /// A bundle's config names a data file on the sender's machine; opening it would let a bundle
    /// read (and quote in an error) any file here. Commands on a bundle read only `--data`.
    func testABundlesDataPathIsNeverOpened() throws {
        let data = try corpus()
        let run = try trainTinyRun("source", data: data)
        let bundle = try editedBundle(run, "nosy.recur") { $0.manifest.config.data = "/etc/passwd" }
        for arguments in [["eval", bundle.path], ["eval", bundle.path, "--json"],
                          ["diagnose", "gradient-flow", bundle.path, "--length", "5"]] {
            let result = try recur(arguments)
            assertUserError(result, contains: [bundle.path, "(/etc/passwd) records where it was trained and is never opened", "--data"])
            XCTAssertFalse(result.stderr.contains("root"), "\(result)")
        }
        let resume = try recur(["resume", bundle.path, "--steps", "7", "--run-dir", path("resumed")])
        assertUserError(resume, contains: ["never opened", "--data FILE to resume it"])
        XCTAssertFalse(exists("resumed"), "a refused resume must leave no run directory")

        let eval = try recur(["eval", bundle.path, "--data", data.path, "--json"])
        XCTAssertEqual(eval.status, 0, "\(eval)")
        XCTAssertEqual(try recur(["sample", bundle.path, "--length", "5"]).status, 0)
        let resumed = try recur(["resume", bundle.path, "--data", data.path, "--steps", "7", "--run-dir", path("resumed")])
        XCTAssertEqual(resumed.status, 0, "\(resumed)")
        let config = try jsonObject(String(contentsOf: work.appendingPathComponent("resumed/config.json"), encoding: .utf8))
        XCTAssertEqual(config["data"] as? String, data.path)
        assertUserError(try recur(["resume", run.path, "--data", "/etc/passwd", "--steps", "7"]), contains: ["--data is for resuming a bundle"])

        // An imported bundle keeps its data path as a record too, until `resume --data` makes the run this machine's.
        XCTAssertEqual(try recur(["import", bundle.path, "--into", path("library")]).status, 0)
        let imported = work.appendingPathComponent("library/nosy")
        assertUserError(try recur(["eval", imported.path]), contains: ["(/etc/passwd) records where it was trained and is never opened"])
        XCTAssertEqual(try recur(["eval", imported.path, "--data", data.path]).status, 0)
        let continued = try recur(["resume", imported.path, "--data", data.path, "--steps", "7"])
        XCTAssertEqual(continued.status, 0, "\(continued)")
        let after = try jsonObject(String(contentsOf: imported.appendingPathComponent("config.json"), encoding: .utf8))
        XCTAssertEqual(after["data"] as? String, data.path)
        XCTAssertEqual(try recur(["eval", imported.path]).status, 0)
    }

    /// A `config.json` member used to overwrite the verified config when the bundle was unpacked.
    func testABundleMemberCannotReplaceTheVerifiedConfig() throws {
        let run = try trainTinyRun("source", data: try corpus())
        for name in ["config.json", "checkpoint.safetensors"] {
            let bundle = try editedBundle(run, "\(name).recur") { $0.artifacts[name] = Data(#"{"data": "/etc/passwd"}"#.utf8) }
            for arguments in [["import", bundle.path, "--into", path("library")], ["resume", bundle.path, "--run-dir", path("resumed")],
                              ["sample", bundle.path]] {
                assertUserError(try recur(arguments), contains: [bundle.path, "member '\(name)' would replace the run's own \(name)"])
            }
            XCTAssertFalse(exists("library") || exists("resumed"), "nothing may be unpacked")
        }
    }

    /// `export` packs regular files only: a link in the run directory (to /etc/passwd, say) used
    /// to go into the bundle, and an earlier export written into the run went in too.
    func testExportFollowsNoLinksAndPacksNotItsOwnOutput() throws {
        let run = try trainTinyRun("source", data: try corpus())
        try FileManager.default.createDirectory(at: run.appendingPathComponent("plots"), withIntermediateDirectories: true)
        let inside = run.appendingPathComponent("again.recur")
        for _ in 0..<2 { XCTAssertEqual(try recur(["export", run.path, "-o", inside.path]).status, 0) }
        let inspect = try recur(["inspect", inside.path, "--json"])
        let members = try XCTUnwrap(try jsonObject(inspect.stdout)["members"] as? [String: Any], inspect.stdout)
        XCTAssertEqual(members.keys.sorted(), ["log.jsonl", "optimizer.safetensors", "trainer.json", "vocab.json", "weights.safetensors"])
        try FileManager.default.removeItem(at: inside)

        let link = run.appendingPathComponent("notes.txt")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "/etc/passwd")
        assertUserError(try recur(["export", run.path, "-o", path("out.recur")]), contains: [link.path, "is a symbolic link"])
        XCTAssertFalse(exists("out.recur"))
        try FileManager.default.removeItem(at: link)

        XCTAssertEqual(mkfifo(link.path, 0o600), 0)
        assertUserError(try recur(["export", run.path, "-o", path("out.recur")], timeout: 30), contains: [link.path, "is a FIFO"])
        try FileManager.default.removeItem(at: link)

        let checkpoint = run.appendingPathComponent("checkpoint.safetensors")
        try FileManager.default.moveItem(at: checkpoint, to: run.appendingPathComponent("real.safetensors"))
        try FileManager.default.createSymbolicLink(atPath: checkpoint.path, withDestinationPath: "real.safetensors")
        assertUserError(try recur(["export", run.path, "-o", path("out.recur")]), contains: [checkpoint.path, "is a symbolic link"])
        XCTAssertFalse(exists("out.recur"))
    }

    /// Rewrites one field of a run's config.json (`path` is dotted: `stack.layers`).
    func editConfig(_ run: URL, _ path: String, _ value: Any) throws {
        let url = run.appendingPathComponent("config.json")
        var object = try jsonObject(String(contentsOf: url, encoding: .utf8))
        let keys = path.split(separator: ".").map(String.init)
        if keys.count == 2 {
            var inner = object[keys[0]] as! [String: Any]
            inner[keys[1]] = value
            object[keys[0]] = inner
        } else {
            object[path] = value
        }
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    /// Every value a hand-edited run directory can get wrong ends in one line naming the file,
    /// the field and the value — never a trap, a hang or an attempt to allocate terabytes.
    func testOutOfRangeValuesInARunDirectoryAreOneLine() throws {
        let data = try corpus()
        let source = try trainTinyRun("source", data: data)
        let pristine = try snapshot(source)
        func restore() throws {
            for (name, bytes) in pristine { try bytes.write(to: URL(fileURLWithPath: source.path + name)) }
        }
        let configCases: [(String, Any, String)] = [
            ("stack.layers", 0, "config field 'stack.layers' is 0; it must be at least 1"),
            ("stack.hiddenSize", -8, "config field 'stack.hiddenSize' is -8"),
            ("stack.hiddenSize", 100_000_000, "needs at least"),
            ("stack.hiddenSize", Int.max, "more bytes than a 64-bit count can hold"),
            ("batch", 0, "config field 'batch' is 0"), ("seqLen", 0, "config field 'seqLen' is 0"),
            ("evalEvery", 0, "config field 'evalEvery' is 0"), ("checkpointEvery", 0, "config field 'checkpointEvery' is 0"),
            ("logEvery", 0, "config field 'logEvery' is 0"), ("learningRate", -1, "config field 'learningRate' is -1.0"),
            ("taskOptions.embedding", "2147483648", "taskOptions.embedding = 2147483648, expected an integer no larger than 2^24"),
        ]
        for (field, value, message) in configCases {
            try editConfig(source, field, value)
            for command in [["resume", source.path, "--steps", "9"], ["eval", source.path], ["sample", source.path, "--length", "3"]] {
                assertUserError(try recur(command), contains: [source.path + "/config.json", message])
            }
            try restore()
        }
        let positionCases: [((inout Checkpoint) -> Void, String)] = [
            ({ $0.position.step = -3 }, "training position field 'step' is -3"),
            ({ $0.position.step = 1 << 60 }, "training position field 'step' is \(1 << 60)"),
            ({ $0.position.items = -1 }, "training position field 'items' is -1"),
            ({ $0.taskTensors["carried.0.0"] = Tensor(zeros: [2, 3]) }, "carried state carried.0.0 of shape [2, 8]"),
        ]
        for (edit, message) in positionCases {
            try editCheckpoint(source, edit)
            assertUserError(try recur(["resume", source.path, "--steps", "9"]), contains: [message])
            try restore()
        }
        try Data(#"["a", "b", "a"]"#.utf8).write(to: source.appendingPathComponent("vocab.json"))
        assertUserError(try recur(["sample", source.path]), contains: ["vocab.json", "the token \"a\" is listed twice"])
        try restore()

        let config = source.appendingPathComponent("config.json")
        try FileManager.default.removeItem(at: config)
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: false)
        let directory = try recur(["eval", source.path])
        assertUserError(directory, contains: [config.path, "is a directory"])
        XCTAssertFalse(directory.stderr.contains("NSCocoaErrorDomain"), "\(directory)")
    }

    func testOutOfRangeValuesInABundleAreOneLine() throws {
        let run = try trainTinyRun("source", data: try corpus())
        let cases: [((inout RunBundle) -> Void, String)] = [
            ({ $0.manifest.config.stack.layers = 0 }, "manifest.json: config field 'stack.layers' is 0"),
            ({ $0.manifest.config.logEvery = 0 }, "manifest.json: config field 'logEvery' is 0"),
            ({ $0.checkpoint.position.step = -1 }, "trainer.json: training position field 'step' is -1"),
            ({ $0.artifacts["vocab.json"] = Data(#"["x", "x"]"#.utf8) }, "the token \"x\" is listed twice"),
        ]
        for (i, (edit, message)) in cases.enumerated() {
            let bundle = try editedBundle(run, "case\(i).recur", edit)
            for command in [["sample", bundle.path], ["inspect", bundle.path], ["resume", bundle.path, "--data", "x", "--run-dir", path("r")]]
            where !(command[0] == "inspect" && i == 3) {
                let result = try recur(command)
                if command[0] == "inspect" {
                    XCTAssertTrue(result.stdout.contains(message), "\(result)")
                    assertDidNotCrash(result)
                } else {
                    assertUserError(result, contains: [message])
                }
            }
            XCTAssertFalse(exists("r"))
        }
    }

    func testAModelLargerThanMemoryIsRefusedUpFrontWithTheFigure() throws {
        let result = try recur(["run", "char-lm", "--hidden", "100000000", "--data", try corpus().path, "--run-dir", path("huge")])
        assertUserError(result, contains: ["100000000 hidden units", "needs at least", "MiB"])
        XCTAssertFalse(exists("huge"))
    }

    func testCommandLineSizesBeyondTheMachineAreRefusedUpFront() throws {
        let flow = try recur(["diagnose", "gradient-flow", "--cell", "lstm", "--length", "100000000"])
        assertUsageError(flow, contains: ["--length 100000000", "needs about", "MiB"])
        assertUsageError(try recur(["diagnose", "gradient-flow", "--cell", "rnn", "--hidden", "\(Int.max)"]), contains: ["64-bit count"])
        let run = try trainTinyRun("source", data: try corpus())
        assertUsageError(try recur(["translate", run.path, "hello", "--beam", "100000"]), contains: ["--beam must be at most 1000"])
    }

    /// A TSV saved by an editor that writes a byte-order mark reads as if it had none.
    func testATSVWithAByteOrderMarkReadsAsWithout() throws {
        let data = try write("labelled.tsv", bytes: [0xEF, 0xBB, 0xBF] + Array(String(repeating: "en\thouse\nde\thaus\n", count: 10).utf8))
        let result = try recur(["run", "classification", "--data", data.path, "--hidden", "4", "--steps", "1", "--batch", "2", "--run-dir", path("bom")])
        XCTAssertEqual(result.status, 0, "\(result)")
        let labels = try JSONSerialization.jsonObject(with: Data(contentsOf: work.appendingPathComponent("bom/labels.json"))) as? [String]
        XCTAssertEqual(labels, ["de", "en"])
    }
}
