import Foundation
import RecurTestSupport
import XCTest
@testable import RecurKit

final class PluginDiscoveryTests: XCTestCase {
    /// Lays out `plugins/<package>/.build/<configuration>/<file>` (empty files suffice here).
    private func layout(_ files: [String]) throws -> URL {
        let root = try BuildProducts.temporaryDirectory("discovery")
        for file in files {
            let url = root.appendingPathComponent(file)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data().write(to: url)
        }
        return root
    }

    func testOneConfigurationPerPackagePreferringTheHosts() throws {
        let root = try layout([
            "plugins/a/.build/debug/libA.so", "plugins/a/.build/debug/libRecurKit.so", "plugins/a/.build/release/libA.so",
            "plugins/b/.build/release/libB.so", "plugins/b/.build/release/libRecurKit.so", "plugins/b/.build/debug/notalib.txt",
            "plugins/c/README.md",
        ])
        let plugins = root.appendingPathComponent("plugins")
        XCTAssertEqual(PluginDiscovery(preferredConfiguration: "debug").libraries(pluginsFolder: plugins, searchPath: nil),
                       [plugins.path + "/a/.build/debug/libA.so", plugins.path + "/b/.build/release/libB.so"])
        XCTAssertEqual(PluginDiscovery(preferredConfiguration: "release").libraries(pluginsFolder: plugins, searchPath: nil),
                       [plugins.path + "/a/.build/release/libA.so", plugins.path + "/b/.build/release/libB.so"])
    }

    func testSearchPathTakesFoldersOfLibrariesAndPackagesOnce() throws {
        let root = try layout(["libs/libX.so", "libs/libRecurKit.so", "libs/other.txt",
                               "pkg/Package.swift", "pkg/.build/debug/libP.so"])
        let path = [root.path + "/libs", "", root.path + "/pkg", root.path + "/libs", root.path + "/missing"].joined(separator: ":")
        XCTAssertEqual(PluginDiscovery(preferredConfiguration: "debug").libraries(pluginsFolder: root.appendingPathComponent("none"), searchPath: path),
                       [root.path + "/libs/libX.so", root.path + "/pkg/.build/debug/libP.so"])
    }

    /// Loading a library runs its code, so, as ssh does with keys, nothing is loaded from a folder
    /// anyone can write to or from a file another user owns; a FIFO named like a library would
    /// hang dlopen; a folder of RECUR_PLUGIN_PATH that does not exist is a typo worth a line.
    func testUnsafeFoldersAndFilesAreReportedNotLoaded() throws {
        let root = try layout(["open/libOpen.so", "mine/libGood.so", "mine/libForeign.so", "mine/libShared.so"])
        let mine = root.appendingPathComponent("mine").path, open = root.appendingPathComponent("open").path
        XCTAssertEqual(chmod(open, 0o777), 0)
        XCTAssertEqual(chmod(mine + "/libShared.so", 0o666), 0)
        XCTAssertEqual(mkfifo(mine + "/libFifo.so", 0o644), 0)
        if getuid() == 0 {
            XCTAssertEqual(chown(mine + "/libForeign.so", 4242, 4242), 0)
        } else {
            try FileManager.default.removeItem(atPath: mine + "/libForeign.so")
        }
        let missing = root.appendingPathComponent("missing").path
        let found = PluginDiscovery(preferredConfiguration: "debug")
            .discover(pluginsFolder: nil, searchPath: [open, mine, missing].joined(separator: ":"))
        XCTAssertEqual(found.libraries, [mine + "/libGood.so"])
        var expected = [
            open: "folder is writable by anyone, so anyone could plant a library in it; its plugins are not loaded (chmod o-w)",
            mine + "/libFifo.so": "is a FIFO, not a regular file; skipped",
            mine + "/libShared.so": "is writable by anyone; not loaded (chmod o-w)",
            missing: "RECUR_PLUGIN_PATH names this folder, which does not exist",
        ]
        if getuid() == 0 { expected[mine + "/libForeign.so"] = "is owned by uid 4242, neither you nor root; not loaded" }
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: found.problems.map { ($0.file, $0.problem ?? "") }), expected)
    }
}
