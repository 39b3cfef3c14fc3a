import Foundation
import XCTest

/// The README's conventions that CLIConventionsTests does not cover: completion scripts for the
/// three shells, `-o/--output` on the commands that write a picture, `--json` on `import`.
final class CompletionAndOutputTests: HostTestCase {
    func testCompletionScriptsForEachShellKnowTheCommands() throws {
        for shell in ["bash", "zsh", "fish"] {
            let result = try recur(["--generate-completion-script", shell])
            XCTAssertEqual(result.status, 0, "\(shell): \(result)")
            for command in ["import-weights", "plugin", "export"] {
                XCTAssertTrue(result.stdout.contains(command), "\(shell) completion lacks \(command)")
            }
        }
        XCTAssertEqual(try recur(["--generate-completion-script", "tcsh"]).status, 64, "an unknown shell is a usage error")
    }

    func testPicturesAreWrittenWithDashOAndOutputAndStillWithSVG() throws {
        let run = try trainTinyRun("lm", data: try corpus())
        for (flag, name) in [("-o", "a.svg"), ("--output", "b.svg"), ("--svg", "c.svg")] {
            let states = try recur(["states", run.path, "--text", "the fox", flag, path("states-\(name)")])
            XCTAssertEqual(states.status, 0, "\(states)")
            XCTAssertTrue(exists("states-\(name)"), "states \(flag)")
            let flow = try recur(["diagnose", "gradient-flow", "--cell", "rnn", "--length", "5", "--hidden", "4", "--batch", "2",
                                  flag, path("flow-\(name)")])
            XCTAssertEqual(flow.status, 0, "\(flow)")
            XCTAssertTrue(exists("flow-\(name)"), "diagnose gradient-flow \(flag)")
        }
    }

    func testImportPrintsJSON() throws {
        let run = try trainTinyRun("lm", data: try corpus())
        XCTAssertEqual(try recur(["export", run.path, "-o", path("lm.recur")]).status, 0)
        let result = try recur(["import", path("lm.recur"), "--into", path("unpacked"), "--json"])
        XCTAssertEqual(result.status, 0, "\(result)")
        let object = try jsonObject(result.stdout)
        XCTAssertEqual(object["run_dir"] as? String, path("unpacked/lm"))
        XCTAssertEqual(object["task"] as? String, "char-lm")
        XCTAssertEqual(object["step"] as? Int, 5)
    }

    func testVersionCommandNamesCommitKernelsAndPluginAPI() throws {
        let result = try recur(["version", "--json"])
        XCTAssertEqual(result.status, 0, "\(result)")
        let object = try jsonObject(result.stdout)
        XCTAssertEqual(object["version"] as? String, try recur(["--version"]).stdout.trimmingCharacters(in: .newlines))
        XCTAssertNotNil(object["plugin_api"] as? Int)
        XCTAssertFalse((object["openblas_kernels"] as? String ?? "").isEmpty)
        XCTAssertTrue(object["commit"] is String || object["commit"] is NSNull, "\(object)")
        XCTAssertTrue(["avx512", "avx2", "blas"].contains(object["step_kernels"] as? String ?? ""), "\(object)")
    }

    /// `RECUR_MICROKERNEL` narrows Recur's own kernels (`scripts/bench-all.sh --isa avx2` relies on
    /// it), and `recur version` says so; every machine the suite runs on has AVX2 + FMA.
    func testVersionCommandNamesNarrowedStepKernels() throws {
        for (wanted, line) in [("avx2", "per-step and element-wise kernels AVX2"),
                               ("blas", "per-step and element-wise kernels portable (per-step products by OpenBLAS)")] {
            let result = try recur(["version"], environment: ["RECUR_MICROKERNEL": wanted])
            XCTAssertEqual(result.status, 0, "\(result)")
            XCTAssertTrue(result.stdout.split(separator: "\n").contains { $0 == line }, "\(result)")
            let object = try jsonObject(try recur(["version", "--json"], environment: ["RECUR_MICROKERNEL": wanted]).stdout)
            XCTAssertEqual(object["step_kernels"] as? String, wanted)
        }
    }
}
