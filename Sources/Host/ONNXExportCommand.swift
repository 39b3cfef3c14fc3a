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
/// The run (or bundle) is loaded as `recur predict` loads it — the task builds its model and
/// every weight must fit it — so the graph is built only from shapes already checked.
func exportONNX(runPath: String, output: String?, json: Bool) throws {
    let loaded = try LoadedRun(path: runPath)
    let weights = Dictionary(uniqueKeysWithValues: loaded.session.parameters.map { ($0.name, $0.variable.value) })
    let model: Data
    do { model = try ONNXExport.model(config: loaded.config, weights: weights) } catch let error as ONNXExportError {
        throw UserError("\(runPath): \(error)")
    }
    let name = URL(fileURLWithPath: runPath).deletingPathExtension().lastPathComponent
    let target = URL(fileURLWithPath: output ?? "\(workspaceDirectory())/bundles/\(name).onnx")
    try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
    try AtomicFile.write(model, to: target)
    let step = loaded.checkpoint.position.step
    if json {
        try printJSON(["model": target.path, "bytes": model.count, "step": step, "task": loaded.config.task,
                       "cell": loaded.config.stack.cell, "opset": ONNXExport.opset])
    } else {
        print("exported step \(step) of \(loaded.config.task)/\(loaded.config.stack.cell) to \(target.path) (ONNX opset \(ONNXExport.opset), \(model.count) bytes)")
    }
}
