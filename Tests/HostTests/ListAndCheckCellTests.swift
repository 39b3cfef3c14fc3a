import Foundation
import XCTest

/// `recur list` and `recur check-cell`.
final class ListAndCheckCellTests: HostTestCase {
    func testListJSONHasTheBuiltInCellsAndTask() throws {
        let result = try recur(["list", "--json"])
        XCTAssertEqual(result.status, 0, "\(result)")
        XCTAssertEqual(result.stderr, "")
        let object = try jsonObject(result.stdout)
        let cells = try XCTUnwrap(object["cells"] as? [[String: Any]], "\(object)")
        let tasks = try XCTUnwrap(object["tasks"] as? [[String: Any]], "\(object)")
        // Plugins built in this checkout's plugins/ (make test builds mingru) may be listed too.
        XCTAssertEqual(cells.filter { $0["origin"] as? String == "built-in" }.compactMap { $0["name"] as? String },
                       ["cifg", "gru", "indrnn", "lnlstm", "lstm", "mgu", "minlstm", "peephole", "rnn", "slstm", "sru"])
        let taskNames = tasks.compactMap { $0["name"] as? String }
        XCTAssertTrue(taskNames.contains("char-lm"), "\(taskNames)")
        XCTAssertEqual(taskNames, taskNames.sorted())
        for entry in cells + tasks {
            for key in ["name", "summary", "version", "origin"] {
                XCTAssertFalse((entry[key] as? String ?? "").isEmpty, "\(key) missing in \(entry)")
            }
        }

        let onlyCells = try jsonObject(try recur(["list", "cells", "--json"]).stdout)
        XCTAssertEqual(Set(onlyCells.keys), ["cells", "plugin_problems", "plugins_searched"])
        let onlyTasks = try jsonObject(try recur(["list", "tasks", "--json"]).stdout)
        XCTAssertEqual(Set(onlyTasks.keys), ["tasks", "plugin_problems", "plugins_searched"])
    }

    func testListAsText() throws {
        let result = try recur(["list"])
        XCTAssertEqual(result.status, 0, "\(result)")
        for word in ["cells", "tasks", "gru", "lstm", "rnn", "char-lm"] {
            XCTAssertTrue(result.stdout.contains(word), "\(word): \(result)")
        }
        assertUsageError(try recur(["list", "widgets"]), contains: ["widgets"])
    }

    func testCheckCellLSTMPasses() throws {
        let result = try recur(["check-cell", "lstm", "--json"])
        XCTAssertEqual(result.status, 0, "\(result)")
        let object = try jsonObject(result.stdout)
        XCTAssertEqual(object["cell"] as? String, "lstm")
        XCTAssertEqual(object["passed"] as? Bool, true, "\(object)")
        let checks = try XCTUnwrap(object["checks"] as? [[String: Any]])
        XCTAssertGreaterThan(checks.count, 5)
        for check in checks {
            XCTAssertEqual(check["passed"] as? Bool, true, "failed check: \(check)")
            XCTAssertFalse((check["check"] as? String ?? "").isEmpty)
        }
    }

    func testCheckCellOfUnknownCellListsCells() throws {
        let text = try recur(["check-cell", "nosuch"])
        assertUserError(text, contains: ["unknown cell 'nosuch'", "gru", "lstm", "rnn"])
        XCTAssertEqual(text.stdout, "")
        let json = try recur(["check-cell", "lstn", "--json"])
        assertUserError(json, contains: ["unknown cell 'lstn'", "available: lstm, "])
        XCTAssertEqual(json.stdout, "", "no JSON for a cell that does not exist")
    }
}
