import ArgumentParser
import Foundation
import RecurBundle
import RecurKit

/// What `recur export` writes.
enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
    /// Recur's bundle: everything needed to sample, evaluate and resume.
    case recur
    /// The inference graph alone, for onnxruntime and other ONNX tools (char-lm and classification).
    case onnx
}

/// `recur export RUN --format onnx [-o FILE] [--json]`: writes ``ONNXExport``'s model atomically.
func exportONNX(runPath: String, output: String?, json: Bool) throws {
    let directory = RunDirectory(URL(fileURLWithPath: runPath))
    let bundle = try RunBundle(run: directory, cells: Registries.cells, tasks: Registries.tasks)
    let model: Data
    do { model = try ONNXExport.model(config: bundle.manifest.config, weights: bundle.checkpoint.weights) } catch let error as ONNXExportError {
        throw UserError("\(runPath): \(error)")
    }
    let target = URL(fileURLWithPath: output ?? "\(workspaceDirectory())/bundles/\(directory.url.lastPathComponent).onnx")
    try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
    try AtomicFile.write(model, to: target)
    if json {
        try printJSON(["model": target.path, "bytes": model.count, "step": bundle.manifest.step, "task": bundle.manifest.task.name,
                       "cell": bundle.manifest.cell.name, "opset": ONNXExport.opset])
    } else {
        print("exported step \(bundle.manifest.step) of \(bundle.manifest.task.name)/\(bundle.manifest.cell.name) to \(target.path) (ONNX opset \(ONNXExport.opset), \(model.count) bytes)")
    }
}
