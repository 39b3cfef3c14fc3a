import ArgumentParser
import Foundation

struct PluginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin", abstract: "Make, build and list out-of-tree plugins (SwiftPM packages).",
        discussion: "`plugin build` records the package in the workspace's plugin list (`plugin list`), so every later recur loads it without RECUR_PLUGIN_PATH.",
        subcommands: [PluginNewCommand.self, PluginBuildCommand.self, PluginListCommand.self, PluginRemoveCommand.self])
}

/// Where plugin packages go: `--dir`, or the `plugins/` folder of the checkout `recur` was built in.
struct PluginFolderOption: ParsableArguments {
    @Option(help: "Folder holding plugin packages (default: plugins/ of this Recur checkout).") var dir: String?

    func folder() throws -> URL {
        if let dir { return URL(fileURLWithPath: dir).standardizedFileURL }
        guard let root = RecurCheckout.root else {
            throw UserError("cannot tell which Recur checkout this recur was built in; pass --dir")
        }
        return root.appendingPathComponent("plugins")
    }

    /// The package `name` names: a folder holding a Package.swift (a path such as `.` or
    /// `~/cells/mingru`), else the folder `name` inside ``folder()``.
    func package(named name: String) throws -> URL {
        let direct = URL(fileURLWithPath: name).standardizedFileURL
        if dir == nil, name.contains("/") || name == "." || name == "..",
           FileManager.default.fileExists(atPath: direct.appendingPathComponent("Package.swift").path) {
            return direct
        }
        return try folder().appendingPathComponent(name)
    }
}
