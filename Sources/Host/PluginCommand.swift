import ArgumentParser
import Foundation

struct PluginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin", abstract: "Make and build out-of-tree plugins (SwiftPM packages in plugins/).",
        subcommands: [PluginNewCommand.self, PluginBuildCommand.self])
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

    /// The `export RECUR_PLUGIN_PATH=…` line a package in `--dir` needs to be found (packages in
    /// the checkout's own `plugins/` are found without it), or nil.
    func searchPathHint(for package: URL) -> String? {
        guard dir != nil else { return nil }
        if let root = RecurCheckout.root,
           package.deletingLastPathComponent().resolvingSymlinksInPath().path == root.appendingPathComponent("plugins").resolvingSymlinksInPath().path {
            return nil
        }
        return "export RECUR_PLUGIN_PATH=\(package.path)${RECUR_PLUGIN_PATH:+:$RECUR_PLUGIN_PATH}"
    }
}
