import Foundation
import RecurBundle
import RecurTestSupport
import XCTest

/// The workspace's plugin list (`plugins.json`, written by `recur plugin build`): what it names is
/// loaded with no RECUR_PLUGIN_PATH, `plugin list`/`remove` show and forget entries, `recur list`
/// says where it looked, and a bundle records its plugin by name, version and library hash.
/// (Building a real package into the list is PluginScaffoldTests.)
final class PluginListTests: HostTestCase {
    var listFile: URL { work.appendingPathComponent("workspace/plugins.json") }

    /// A plugin list naming `packages` (name → folder).
    func writeList(_ packages: [String: URL]) throws {
        try FileManager.default.createDirectory(at: listFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        let entries = packages.sorted { $0.key < $1.key }.map { ["name": $0.key, "package": $0.value.path] }
        try JSONSerialization.data(withJSONObject: ["format": 1, "plugins": entries]).write(to: listFile)
    }

    func testAListedPluginIsLoadedWithoutRecurPluginPath() throws {
        let folder = try BuildProducts.pluginCopies(["libgood.so"])
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeList(["fixture": folder])
        let list = try recur(["list"])
        XCTAssertEqual(list.status, 0, "\(list)")
        XCTAssertTrue(list.stdout.contains("fixture-rnn"), list.stdout)
        XCTAssertTrue(list.stdout.contains("plugins searched"), list.stdout)
        XCTAssertTrue(list.stdout.contains("\(listFile.path) (plugin list: 1 package)"), list.stdout)
        XCTAssertTrue(list.stdout.contains("\(folder.path) (listed)"), list.stdout)
        let json = try jsonObject(try recur(["list", "--json"]).stdout)
        XCTAssertTrue((json["plugins_searched"] as? [String] ?? []).contains("\(folder.path) (listed)"), "\(json)")

        let plugins = try jsonObject(try recur(["plugin", "list", "--json"]).stdout)
        let row = try XCTUnwrap((plugins["plugins"] as? [[String: Any]])?.first)
        XCTAssertEqual(row["name"] as? String, "fixture")
        XCTAssertEqual(row["cells"] as? [String], ["fixture-rnn"])
        XCTAssertEqual(row["libraries"] as? [String], [folder.appendingPathComponent("libgood.so").path])
    }

    func testRemoveForgetsAPluginAndAnUnknownNameListsTheKnownOnes() throws {
        let folder = try BuildProducts.pluginCopies(["libgood.so"])
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeList(["fixture": folder])
        let unknown = try recur(["plugin", "remove", "fixtur"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("no plugin 'fixtur' in \(listFile.path); listed: fixture"), unknown.stderr)
        let removed = try recur(["plugin", "remove", "fixture"])
        XCTAssertEqual(removed.status, 0, "\(removed)")
        XCTAssertFalse(try recur(["list", "cells"]).stdout.contains("fixture-rnn"))
        XCTAssertTrue(try recur(["plugin", "list"]).stdout.contains("(empty: `recur plugin build DIR` records a package here)"))
    }

    func testAVanishedPackageAndABrokenListAreOneLineEach() throws {
        try writeList(["gone": work.appendingPathComponent("nowhere")])
        let list = try recur(["list", "cells"])
        XCTAssertEqual(list.status, 0)
        // Paths inside the current folder are shown relative to it.
        XCTAssertTrue(list.stdout.contains("plugin nowhere: \(listFile.path) names this package folder, which does not exist (`recur plugin remove` forgets it)"), list.stdout)
        try Data("{not json".utf8).write(to: listFile)
        let broken = try recur(["list", "cells"])
        XCTAssertEqual(broken.status, 0, "a broken list never stops recur")
        XCTAssertTrue(broken.stdout.contains("plugin workspace/plugins.json: not a plugin list"), broken.stdout)
        let remove = try recur(["plugin", "remove", "gone"])
        XCTAssertEqual(remove.status, 1, "a broken list is not overwritten")
        XCTAssertEqual(try Data(contentsOf: listFile), Data("{not json".utf8))
    }

    /// The bundle names the plugin's library and its hash, never the sender's folder, and
    /// `inspect` tells a receiver without it which plugin and version to build.
    func testABundleRecordsItsPluginByNameVersionAndHash() throws {
        let folder = try BuildProducts.pluginCopies(["libgood.so"])
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeList(["fixture": folder])
        let data = try corpus()
        let trained = try recur(["run", "char-lm"] + Self.tiny + ["--cell", "fixture-rnn", "--data", data.path, "--run-dir", path("run")])
        XCTAssertEqual(trained.status, 0, "\(trained)")
        XCTAssertEqual(try recur(["export", path("run"), "-o", path("b.recur")]).status, 0)

        let inspected = try recur(["inspect", path("b.recur"), "--json"])
        XCTAssertFalse(inspected.stdout.contains(folder.path), "the sender's path stays out of the bundle: \(inspected.stdout)")
        let cell = try XCTUnwrap(try jsonObject(inspected.stdout)["cell"] as? [String: Any])
        XCTAssertEqual(cell["name"] as? String, "fixture-rnn")
        XCTAssertEqual(cell["version"] as? String, "0.0.1")
        XCTAssertEqual(cell["origin"] as? String, "plugin")
        XCTAssertEqual(cell["library"] as? String, "libgood.so")
        XCTAssertEqual(cell["sha256"] as? String, SHA256.hex(try Data(contentsOf: folder.appendingPathComponent("libgood.so"))))

        XCTAssertEqual(try recur(["plugin", "remove", "fixture"]).status, 0)
        let receiver = try recur(["inspect", path("b.recur")])
        XCTAssertTrue(receiver.stdout.contains("needs the cell plugin 'fixture-rnn' 0.0.1 (libgood.so): not registered here; a receiver must build it"),
                      receiver.stdout)
        let sample = try recur(["sample", path("b.recur")])
        XCTAssertEqual(sample.status, 1)
        XCTAssertTrue(sample.stderr.contains("needs cell 'fixture-rnn' 0.0.1 (plugin libgood.so, sha256 "), sample.stderr)
    }
}
