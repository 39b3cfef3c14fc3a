import Foundation
import RecurKit

/// Run-time plugins, loaded once at start-up after the built-ins (so a clash names the built-in).
enum LoadedPlugins {
    /// One report per library found; set by ``load(environment:)`` before any command runs.
    nonisolated(unsafe) static var reports: [PluginLoadReport] = []

    static var problems: [PluginLoadReport] { reports.filter { $0.problem != nil } }

    /// Where start-up looked, in order, for `recur list` to say.
    nonisolated(unsafe) static var searched: [String] = []

    /// Loads every plugin library in `<checkout>/plugins/*/.build/{debug,release}`, in the
    /// directories of `RECUR_PLUGIN_PATH`, and in the packages of the workspace's plugin list
    /// (``PluginList``, written by `recur plugin build`).
    static func load(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let pluginsFolder = RecurCheckout.root?.appendingPathComponent("plugins")
        let searchPath = environment["RECUR_PLUGIN_PATH"]
        var listProblems: [PluginLoadReport] = []
        var packages: [URL] = []
        do { packages = try PluginList.read().plugins.map { URL(fileURLWithPath: $0.package) } } catch let error as PluginListError {
            listProblems.append(PluginLoadReport(file: error.file, problem: error.problem))
        } catch {
            listProblems.append(PluginLoadReport(file: PluginList.url.path, problem: "\(error)"))
        }
        searched = (pluginsFolder.map { ["\($0.path)/*/.build (the checkout's plugins)"] } ?? [])
            + (searchPath ?? "").split(separator: ":").map { "\($0) (RECUR_PLUGIN_PATH)" }
            + ["\(PluginList.url.path) (plugin list: \(packages.count) package\(packages.count == 1 ? "" : "s"))"]
            + packages.map { "\($0.path) (listed)" }
        let found = discovery.discover(pluginsFolder: pluginsFolder, searchPath: searchPath, packages: packages,
                                       listedIn: PluginList.url.path)
        reports = listProblems + found.problems + PluginLoader().load(found.libraries)
    }

    /// Prefer plugins built like this host: a debug `recur` loads a plugin's debug build.
    static var discovery: PluginDiscovery {
        #if DEBUG
        PluginDiscovery(preferredConfiguration: "debug")
        #else
        PluginDiscovery(preferredConfiguration: "release")
        #endif
    }

    /// Problems on stderr, one line each, for commands other than `list` (which prints them itself):
    /// a broken plugin never stops the others, but it must not go unnoticed either.
    static func warnAboutProblems() {
        for report in problems {
            FileHandle.standardError.write(Data("recur: warning: \(displayLine(report))\n".utf8))
        }
    }

    static func displayLine(_ report: PluginLoadReport) -> String {
        report.line.replacingOccurrences(of: report.file, with: displayPath(report.file))
    }
}

/// A path shortened to be relative to the current directory when it lies inside it.
func displayPath(_ path: String) -> String {
    let cwd = FileManager.default.currentDirectoryPath + "/"
    return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
}
