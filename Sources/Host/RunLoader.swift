import Foundation
import RecurKit

/// A saved run brought back: its config, its task session with the checkpoint's weights loaded.
struct LoadedRun {
    let directory: RunDirectory
    let config: RunConfig
    let session: any TaskSession
    let checkpoint: Checkpoint

    /// `path` is a run directory or its `checkpoint.safetensors`.
    init(path: String) throws {
        var url = URL(fileURLWithPath: path)
        if url.lastPathComponent.hasSuffix(".safetensors") { url.deleteLastPathComponent() }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw UserError("\(path): no such run directory")
        }
        directory = RunDirectory(url)
        config = try directory.readConfig()
        let descriptor = try Registries.tasks.lookup(config.task)
        session = try descriptor.makeSession(config, TaskContext(cells: Registries.cells, artifacts: try directory.readArtifacts()))
        guard FileManager.default.fileExists(atPath: directory.checkpointURL.path) else {
            throw UserError("\(url.path) has no checkpoint yet (checkpoint.safetensors); train it first")
        }
        checkpoint = try Checkpoint.decode(try Data(contentsOf: directory.checkpointURL), source: directory.checkpointURL.path)
        do { try load(checkpoint.weights, into: session.parameters) } catch {
            throw UserError("\(directory.checkpointURL.path): \(error)")
        }
    }
}
