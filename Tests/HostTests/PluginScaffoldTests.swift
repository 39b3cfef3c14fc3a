import Foundation
import RecurTestSupport
import XCTest

/// `recur plugin new` → `recur plugin build` → the cell is listed, passes check-cell and trains,
/// untouched. Slow (it builds a SwiftPM package with its own RecurKit, about a minute in debug),
/// so it is the only test that does.
final class PluginScaffoldTests: XCTestCase {
    func testScaffoldedCellBuildsLoadsPassesConformanceAndTrains() throws {
        let folder = try BuildProducts.temporaryDirectory("scaffold")
        defer { try? FileManager.default.removeItem(at: folder) }

        // Only the workspace is set (to keep the test's plugin list out of the checkout's): the
        // built plugin is found through the list `plugin build` writes, not RECUR_PLUGIN_PATH.
        let environment = ["RECUR_WORKSPACE": folder.appendingPathComponent("workspace").path]
        let new = try runRecur(["plugin", "new", "cell", "e2ecell", "--dir", folder.path], environment: environment)
        XCTAssertEqual(new.status, 0, new.stderr)
        let package = folder.appendingPathComponent("e2ecell").path
        XCTAssertTrue(new.stdout.hasPrefix("created \(package) (cell 'e2ecell'"), "the real path: \(new.stdout)")
        XCTAssertTrue(new.stdout.contains("recur plugin build \(package)\n"), new.stdout)
        let again = try runRecur(["plugin", "new", "cell", "e2ecell", "--dir", folder.path], environment: environment)
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.hasSuffix("e2ecell already exists; pick another name or remove it\n"), again.stderr)

        // The host's configuration (debug under `make test`), so the plugin is built like the host.
        let build = try runRecur(["plugin", "build", package], environment: environment)
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
        XCTAssertTrue(build.stdout.contains("recorded it in \(folder.path)/workspace/plugins.json"), build.stdout)

        let list = try runRecur(["list", "cells"], environment: environment)
        XCTAssertTrue(list.stdout.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("e2ecell ") && $0.contains(" 0.1.0 ") }, list.stdout)
        XCTAssertTrue(list.stdout.contains("e2ecell/.build/debug/libE2ecellPlugin.so]"), list.stdout)
        XCTAssertFalse(list.stdout.contains("plugin problems"), list.stdout)
        XCTAssertTrue(try runRecur(["plugin", "list"], environment: environment).stdout.contains("e2ecell  \(package)  cell e2ecell"))

        let check = try runRecur(["check-cell", "e2ecell"], environment: environment)
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains("e2ecell: all "), check.stdout)

        let text = String(repeating: "the quick brown fox jumps over the lazy dog. ", count: 40)
        let data = folder.appendingPathComponent("tiny.txt")
        try Data(text.utf8).write(to: data)
        let run = try runRecur(["run", "char-lm", "--cell", "e2ecell", "--steps", "5", "--hidden", "16", "--batch", "4",
                                "--seq-len", "16", "--data", data.path, "--run-dir", folder.appendingPathComponent("run").path, "--json"],
                               environment: environment)
        XCTAssertEqual(run.status, 0, run.stderr)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
        XCTAssertEqual(summary["steps"] as? Int, 5)
        XCTAssertTrue(((summary["train_loss"] as? Double) ?? .nan).isFinite, run.stdout)
    }

    /// `recur plugin new task` → build → the task is listed, shows its own help, trains,
    /// predicts, exports, resumes from the bundle and predicts from it, untouched.
    func testScaffoldedTaskTrainsPredictsExportsAndResumes() throws {
        let folder = try BuildProducts.temporaryDirectory("task-scaffold")
        defer { try? FileManager.default.removeItem(at: folder) }
        let environment = ["RECUR_WORKSPACE": folder.appendingPathComponent("workspace").path]
        let new = try runRecur(["plugin", "new", "task", "e2etask", "--dir", folder.path], environment: environment)
        XCTAssertEqual(new.status, 0, new.stderr)
        let build = try runRecur(["plugin", "build", "e2etask", "--dir", folder.path], environment: environment)
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)

        let list = try runRecur(["list", "tasks"], environment: environment)
        XCTAssertTrue(list.stdout.contains("e2etask"), list.stdout)
        let help = try runRecur(["run", "e2etask", "--help"], environment: environment)
        XCTAssertTrue(help.stdout.contains("--test-size"), help.stdout)
        let typo = try runRecur(["run", "e2etask", "--lenght", "4"], environment: environment)
        XCTAssertEqual(typo.status, 64, typo.stderr)
        XCTAssertTrue(typo.stderr.contains("did you mean --length?"), typo.stderr)

        let run = folder.appendingPathComponent("run").path
        let train = try runRecur(["run", "e2etask", "--steps", "40", "--length", "4", "--test-size", "20", "--eval-every", "20",
                                  "--run-dir", run, "--json"], environment: environment)
        XCTAssertEqual(train.status, 0, train.stderr)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(train.stdout.utf8)) as? [String: Any], train.stdout)
        XCTAssertNotNil(summary["val_exact_match"] as? Double, train.stdout)

        let predict = try runRecur(["predict", run, "3 1 4 1", "--json"], environment: environment)
        XCTAssertEqual(predict.status, 0, predict.stderr)
        let result = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(predict.stdout.utf8)) as? [String: Any], predict.stdout)
        XCTAssertEqual((result["output"] as? [Int])?.count, 4, predict.stdout)

        let bundle = folder.appendingPathComponent("e2etask.recur").path
        XCTAssertEqual(try runRecur(["export", run, "-o", bundle], environment: environment).status, 0)
        let resumed = try runRecur(["resume", bundle, "--steps", "50", "--run-dir", folder.appendingPathComponent("resumed").path],
                                   environment: environment)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let fromBundle = try runRecur(["predict", bundle, "1 2 3 4"], environment: environment)
        XCTAssertEqual(fromBundle.status, 0, fromBundle.stderr)
        XCTAssertEqual(fromBundle.stdout.split(separator: " ").count, 4, fromBundle.stdout)
    }
}
