import ArgumentParser
import Foundation
import RecurBundle
import RecurKit

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Verify a bundle and unpack it as a run directory (nothing is written unless it all verifies).")

    @Argument(help: "Bundle file.") var file: String
    @Option(help: "Folder to unpack into (default workspace/bundles).") var into: String?
    @Flag(help: "Print one JSON object: the run directory, task, cell and step.") var json = false

    func run() throws {
        try reportingErrors {
            let url = URL(fileURLWithPath: file)
            let bundle = try RunBundle(contentsOf: url)
            try bundle.checkPlugins(cells: Registries.cells, tasks: Registries.tasks, source: url.path)
            let destination = URL(fileURLWithPath: into ?? "\(workspaceDirectory())/bundles")
                .appendingPathComponent(url.deletingPathExtension().lastPathComponent)
            try bundle.materialize(at: destination)
            if json {
                try printJSON(["run_dir": destination.path, "task": bundle.manifest.task.name, "cell": bundle.manifest.cell.name,
                               "step": bundle.manifest.step])
            } else {
                print("imported \(bundle.manifest.task.name)/\(bundle.manifest.cell.name) at step \(bundle.manifest.step) into \(destination.path)")
            }
        }
    }
}
