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
        discover(pluginsFolder: pluginsFolder, searchPath: searchPath).libraries
    }

    /// ``libraries(pluginsFolder:searchPath:)``, and one report for each thing found but not
    /// safe to load: a `RECUR_PLUGIN_PATH` folder that does not exist; a folder anyone may write
    /// to, or owned by another user (anyone could plant a library there, and loading runs its
    /// code); a library owned by another user or writable by anyone; a `lib*.so` that is not a
    /// regular file (a FIFO would hang `dlopen`). As ssh treats keys, nothing is loaded from them.
    ///
    /// `packages` are package folders recorded by `recur plugin build` (the workspace's plugin
    /// list), searched after the rest; one that no longer exists is reported with `listedIn`.
    public func discover(pluginsFolder: URL?, searchPath: String?, packages: [URL] = [], listedIn list: String = "the plugin list")
        -> (libraries: [String], problems: [PluginLoadReport]) {
        var found: [URL] = []
        var problems: [PluginLoadReport] = []
        if let pluginsFolder {
            for package in subdirectories(of: pluginsFolder) { found += libraries(inPackage: package) }
        }
        for entry in (searchPath ?? "").split(separator: ":") where !entry.isEmpty {
            let directory = URL(fileURLWithPath: String(entry))
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                problems.append(PluginLoadReport(file: directory.path, problem: "RECUR_PLUGIN_PATH names this folder, which does not exist"))
                continue
            }
            found += libraries(inDirectory: directory)
        }
        for package in packages {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: package.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                problems.append(PluginLoadReport(file: package.path, problem: "\(list) names this package folder, which does not exist (`recur plugin remove` forgets it)"))
                continue
            }
            found += libraries(inDirectory: package)
        }
        var seen = Set<String>()
        var refusedFolders: [String: String?] = [:]
        var libraries: [String] = []
        for url in found where seen.insert(url.resolvingSymlinksInPath().path).inserted {
            let folder = url.deletingLastPathComponent().path
            if refusedFolders[folder] == nil {
                let problem = Self.unsafeFolder(folder)
                refusedFolders[folder] = .some(problem)
                if let problem { problems.append(PluginLoadReport(file: folder, problem: problem)) }
            }
            if case .some(.some) = refusedFolders[folder] { continue }
            if let problem = Self.unsafeLibrary(url.path) {
                problems.append(PluginLoadReport(file: url.path, problem: problem))
                continue
            }
            libraries.append(url.path)
        }
        return (libraries, problems)
    }

    /// Why no library in `folder` may be loaded, or `nil`.
    static func unsafeFolder(_ folder: String) -> String? {
        var info = stat()
        guard stat(folder, &info) == 0 else { return "cannot be examined (\(String(cString: strerror(errno))))" }
        if info.st_mode & S_IWOTH != 0 {
            return "folder is writable by anyone, so anyone could plant a library in it; its plugins are not loaded (chmod o-w)"
        }
        if !Self.trusted(owner: info.st_uid) {
            return "folder is owned by uid \(info.st_uid), neither you nor root; its plugins are not loaded"
        }
        return nil
    }

    /// Why the library at `path` may not be loaded, or `nil`.
    static func unsafeLibrary(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return "cannot be examined (\(String(cString: strerror(errno))))" }
        guard info.st_mode & S_IFMT == S_IFREG else {
            let what = switch info.st_mode & S_IFMT {
            case S_IFIFO: "a FIFO"
            case S_IFDIR: "a directory"
            case S_IFSOCK: "a socket"
            default: "a device"
            }
            return "is \(what), not a regular file; skipped"
        }
        if info.st_mode & S_IWOTH != 0 { return "is writable by anyone; not loaded (chmod o-w)" }
        if !Self.trusted(owner: info.st_uid) { return "is owned by uid \(info.st_uid), neither you nor root; not loaded" }
        return nil
    }

    static func trusted(owner: uid_t) -> Bool { owner == 0 || owner == getuid() }

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
