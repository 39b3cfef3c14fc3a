import ArgumentParser
import Foundation

struct PluginNewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new", abstract: "Scaffold a plugin package: a cell that passes check-cell, or a task that trains and predicts, untouched.",
        discussion: "Writes DIR/NAME/ (Package.swift, the cell, its entry point, a README); refuses to overwrite.")

    enum Kind: String, ExpressibleByArgument { case cell, task }

    @Argument(help: "What to make: cell or task.") var kind: Kind
    @Argument(help: "The plugin's name: lower case letters, digits and '-', starting with a letter.") var name: String
    @OptionGroup var folder: PluginFolderOption

    func run() throws {
        try reportingErrors {
            guard name.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) != nil else {
                throw UserError("plugin name '\(name)': use lower case letters, digits and '-', starting with a letter")
            }
            guard let recur = RecurCheckout.root else {
                throw UserError("cannot tell which Recur checkout this recur was built in, so the plugin cannot depend on it")
            }
            let package = try folder.folder().appendingPathComponent(name)
            guard !FileManager.default.fileExists(atPath: package.path) else {
                throw UserError("\(displayPath(package.path)) already exists; pick another name or remove it")
            }
            let cell = PluginTemplate(name: name, recurPath: relativePath(from: package, to: recur))
            let task = TaskPluginTemplate(name: name, recurPath: cell.recurPath)
            for file in kind == .cell ? cell.files : task.files {
                let url = package.appendingPathComponent(file.path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: url)
            }
            // The absolute path: the one `plugin build` takes, from any folder.
            let shown = package.path
            if kind == .cell {
                print("""
                    created \(shown) (cell '\(name)', library lib\(cell.moduleName).so); next:
                      recur plugin build \(shown)
                      recur check-cell \(name)
                      recur run char-lm --cell \(name) --steps 500
                    """)
            } else {
                print("""
                    created \(shown) (task '\(name)', library lib\(task.moduleName).so); next:
                      recur plugin build \(shown)
                      recur run \(name) --run-dir runs/\(name)
                      recur predict runs/\(name) "3 1 4 1 5"
                    """)
            }
        }
    }
}

/// The relative path from folder `from` to folder `to` (both absolute), e.g. `../..`.
func relativePath(from: URL, to: URL) -> String {
    let a = from.standardizedFileURL.resolvingSymlinksInPath().pathComponents
    let b = to.standardizedFileURL.resolvingSymlinksInPath().pathComponents
    var common = 0
    while common < min(a.count, b.count), a[common] == b[common] { common += 1 }
    let parts = Array(repeating: "..", count: a.count - common) + b[common...]
    return parts.isEmpty ? "." : parts.joined(separator: "/")
}
