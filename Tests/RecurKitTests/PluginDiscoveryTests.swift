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
}
