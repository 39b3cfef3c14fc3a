import Foundation
import RecurTestSupport
import XCTest

/// The real `recur` executable with run-time plugins from `RECUR_PLUGIN_PATH`.
final class PluginCommandLineTests: XCTestCase {
    func testListShowsPluginCellsWithTheirFileAndProblemsInOneLineEach() throws {
        let folder = try BuildProducts.pluginCopies(["libgood.so", "libclash.so", "libapi.so"])
        let result = try runRecur(["list", "cells"], environment: ["RECUR_PLUGIN_PATH": folder.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("  fixture-rnn") && $0.hasSuffix("[\(folder.path)/libgood.so]") }, result.stdout)
        XCTAssertTrue(lines.contains { $0.contains("lstm") && $0.hasSuffix("[built-in]") }, result.stdout)
        XCTAssertTrue(lines.contains("  plugin \(folder.path)/libclash.so: its cell 'lstm' clashes with the cell of that name from built-in; rename it"),
                      result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("  plugin \(folder.path)/libapi.so: built against plugin API ") }, result.stdout)
        XCTAssertEqual(result.stderr, "")
    }

    func testOtherCommandsWarnOnStderrAndKeepWorkingWithThePluginsThatLoaded() throws {
        let folder = try BuildProducts.pluginCopies(["libgood.so", "libfail.so"])
        let result = try runRecur(["check-cell", "fixture-rnn"], environment: ["RECUR_PLUGIN_PATH": folder.path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let checks = result.stdout.split(separator: "\n").filter { $0.hasPrefix("PASS") || $0.hasPrefix("FAIL") }.count
        XCTAssertTrue(result.stdout.hasSuffix("fixture-rnn: all \(checks) checks passed\n"), result.stdout)
        XCTAssertEqual(result.stderr, "recur: warning: plugin \(folder.path)/libfail.so: registration failed: the fixture refuses on purpose\n")
    }

    func testJSONListsProblems() throws {
        let folder = try BuildProducts.pluginCopies(["libnothing.so"])
        let result = try runRecur(["list", "--json"], environment: ["RECUR_PLUGIN_PATH": folder.path])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let problems = try XCTUnwrap(object["plugin_problems"] as? [[String: String]])
        XCTAssertEqual(problems, [["file": folder.path + "/libnothing.so", "problem": "its entry point registered nothing"]])
    }

    /// A real plugin in a folder anyone may write to is not loaded (its constructor would run on
    /// every command), a FIFO named lib*.so does not hang `recur`, and both are listed.
    func testUnsafePluginFoldersAndFifosAreReportedNotLoaded() throws {
        let folder = try BuildProducts.pluginCopies(["libgood.so"])
        XCTAssertEqual(chmod(folder.path, 0o777), 0)
        let fifos = try BuildProducts.pluginCopies([])
        XCTAssertEqual(mkfifo(fifos.path + "/libstuck.so", 0o644), 0)
        let path = [folder.path, fifos.path, fifos.path + "-missing"].joined(separator: ":")
        let result = try runRecur(["list", "cells"], environment: ["RECUR_PLUGIN_PATH": path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.contains("fixture-rnn"), result.stdout)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("  plugin \(folder.path): folder is writable by anyone, so anyone could plant a library in it; its plugins are not loaded (chmod o-w)"), result.stdout)
        XCTAssertTrue(lines.contains("  plugin \(fifos.path)/libstuck.so: is a FIFO, not a regular file; skipped"), result.stdout)
        XCTAssertTrue(lines.contains("  plugin \(fifos.path)-missing: RECUR_PLUGIN_PATH names this folder, which does not exist"), result.stdout)
        let warned = try runRecur(["list", "tasks", "--json"], environment: ["RECUR_PLUGIN_PATH": fifos.path])
        XCTAssertEqual(warned.status, 0, warned.stderr)
    }
}
