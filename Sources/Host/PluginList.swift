import Foundation
import RecurKit

/// `plugins.json` in the workspace: the plugin packages `recur plugin build` built, so that the
/// next `recur` loads them with no `RECUR_PLUGIN_PATH`. Each entry is a package folder; which of
/// its builds loads (debug or release) is decided at start-up as for the checkout's `plugins/`.
///
///     {"format": 1, "plugins": [{"name": "mingru", "package": "/home/me/cells/mingru"}]}
struct PluginList: Codable, Equatable {
    struct Entry: Codable, Equatable {
        var name: String
        var package: String
    }

    static let format = 1
    var format = PluginList.format
    var plugins: [Entry] = []

    /// `$RECUR_WORKSPACE/plugins.json`, else the `workspace/` of the checkout `recur` was built in
    /// (so it is found from any current directory), else `./workspace/plugins.json`.
    static var url: URL {
        let environment = ProcessInfo.processInfo.environment
        if let workspace = environment["RECUR_WORKSPACE"], !workspace.isEmpty {
            return URL(fileURLWithPath: workspace).appendingPathComponent("plugins.json")
        }
        if let root = RecurCheckout.root { return root.appendingPathComponent("workspace/plugins.json") }
        return URL(fileURLWithPath: "workspace/plugins.json")
    }

    /// The list, empty when there is no file yet. A file that cannot be read or parsed is an
    /// error naming it (the commands that change the list refuse to overwrite it).
    static func read(from url: URL = PluginList.url) throws -> PluginList {
        guard RegularFile.kind(of: url.path) != .missing else { return PluginList() }
        let data = try RegularFile.read(url, limit: 1 << 20)
        guard let list = try? JSONDecoder().decode(PluginList.self, from: data) else {
            throw PluginListError(file: url.path, problem: "not a plugin list ({\"format\": 1, \"plugins\": [{\"name\", \"package\"}]}); fix or remove it")
        }
        guard list.format == PluginList.format else {
            throw PluginListError(file: url.path, problem: "plugin list format \(list.format); this recur reads \(PluginList.format)")
        }
        return list
    }

    func write(to url: URL = PluginList.url) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(self), to: url)
    }

    /// Adds or replaces the entry called `name`.
    mutating func record(name: String, package: URL) {
        plugins.removeAll { $0.name == name || $0.package == package.path }
        plugins.append(Entry(name: name, package: package.path))
        plugins.sort { $0.name < $1.name }
    }
}

/// A plugin list that cannot be used; nothing listed in it is loaded.
struct PluginListError: Error, CustomStringConvertible {
    let file: String
    let problem: String
    var description: String { "\(file): \(problem)" }
}
