import Foundation
import RecurKit

/// Run-time plugins, loaded once at start-up after the built-ins (so a clash names the built-in).
enum LoadedPlugins {
    /// One report per library found; set by ``load(environment:)`` before any command runs.
    nonisolated(unsafe) static var reports: [PluginLoadReport] = []

    static var problems: [PluginLoadReport] { reports.filter { $0.problem != nil } }

    /// Loads every plugin library in `<checkout>/plugins/*/.build/{debug,release}` and in the
    /// directories of `RECUR_PLUGIN_PATH`.
    static func load(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let found = discovery.discover(pluginsFolder: RecurCheckout.root?.appendingPathComponent("plugins"),
                                       searchPath: environment["RECUR_PLUGIN_PATH"])
        reports = found.problems + PluginLoader().load(found.libraries)
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
