import ArgumentParser
import Foundation
import RecurBundle
import RecurKit

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Pack a run into one shareable bundle file (.recur: tar + zstd).")

    @Argument(help: ArgumentHelp("Run directory.", valueName: "run")) var runPath: String
    @Option(name: .shortAndLong, help: "Bundle file (default workspace/bundles/<run>.recur).") var output: String?
    @Flag(help: "Print one JSON object: the bundle's path, size, step, task and cell.") var json = false
    @Flag(help: "Pack the weights of the best evaluation (best.safetensors, kept by --keep-best) instead of the latest; the bundle then cannot be resumed.")
    var best = false
    @Option(help: "recur (a bundle), or onnx (the inference graph with ONNX's RNN/GRU/LSTM operators: char-lm and classification).")
    var format: ExportFormat = .recur

    func run() throws {
        try reportingErrors {
            if format == .onnx { return try exportONNX(runPath: runPath, output: output, json: json) }
            let directory = RunDirectory(URL(fileURLWithPath: runPath))
            let bundle = try RunBundle(run: directory, cells: Registries.cells, tasks: Registries.tasks, best: best)
            let target = URL(fileURLWithPath: output ?? "\(workspaceDirectory())/bundles/\(directory.url.lastPathComponent).\(RunBundle.fileExtension)")
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            RunDirectory.removeStaleTemporaries(in: target.deletingLastPathComponent())
            try bundle.write(to: target)
            let size = (try? FileManager.default.attributesOfItem(atPath: target.path)[.size] as? Int) ?? 0
            if json {
                try printJSON(["bundle": target.path, "bytes": size, "step": bundle.manifest.step,
                               "task": bundle.manifest.task.name, "cell": bundle.manifest.cell.name,
                               "best_step": bundle.manifest.bestStep.map { $0 as Any } ?? NSNull()])
            } else {
                let which = bundle.manifest.bestStep.map { "the best weights (step \($0)) of" } ?? "step \(bundle.manifest.step) of"
                print("exported \(which) \(bundle.manifest.task.name)/\(bundle.manifest.cell.name) to \(target.path) (\(size) bytes)")
            }
        }
    }
}
