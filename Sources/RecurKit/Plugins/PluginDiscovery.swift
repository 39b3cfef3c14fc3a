import Foundation

/// Where plugin libraries are looked for: the build products of each package in a `plugins/`
/// folder, and the directories of `RECUR_PLUGIN_PATH`.
public struct PluginDiscovery {
    /// The build configuration whose products win when a package has both (the host's own, so a
    /// debug host loads debug plugins).
    public var preferredConfiguration: String

    public init(preferredConfiguration: String) { self.preferredConfiguration = preferredConfiguration }

    /// Libraries from every package folder in `pluginsFolder` (a missing folder is no error),
    /// then from each directory of `searchPath` (colon-separated, as `RECUR_PLUGIN_PATH`); each
    /// file once, in a stable order.
    public func libraries(pluginsFolder: URL?, searchPath: String?) -> [String] {
        var found: [URL] = []
        if let pluginsFolder {
            for package in subdirectories(of: pluginsFolder) { found += libraries(inPackage: package) }
        }
        for entry in (searchPath ?? "").split(separator: ":") where !entry.isEmpty {
            found += libraries(inDirectory: URL(fileURLWithPath: String(entry)))
        }
        var seen = Set<String>()
        return found.map(\.path).filter { seen.insert(URL(fileURLWithPath: $0).resolvingSymlinksInPath().path).inserted }
    }

    /// A plugin package's libraries from one configuration only: `.build/<preferred>` if it has
    /// any, otherwise the other one. Loading both would make the plugin clash with itself.
    public func libraries(inPackage package: URL) -> [URL] {
        let other = preferredConfiguration == "debug" ? "release" : "debug"
        for configuration in [preferredConfiguration, other] {
            let libs = pluginLibraries(in: package.appendingPathComponent(".build/\(configuration)"))
            if !libs.isEmpty { return libs }
        }
        return []
    }

    /// A `RECUR_PLUGIN_PATH` entry: a plugin package folder, or a folder of libraries.
    public func libraries(inDirectory directory: URL) -> [URL] {
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            return libraries(inPackage: directory)
        }
        return pluginLibraries(in: directory)
    }

    /// `lib*.so` files except RecurKit's own: a plugin package's build folder holds its copy of
    /// libRecurKit.so next to the plugin, and the host's copy is the one that must be used.
    func pluginLibraries(in directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix("lib") && $0.hasSuffix(".so") && $0 != "libRecurKit.so" }
            .sorted().map { directory.appendingPathComponent($0) }
    }

    func subdirectories(of folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().filter { !$0.hasPrefix(".") }.map { folder.appendingPathComponent($0) }.filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0.path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }
}
