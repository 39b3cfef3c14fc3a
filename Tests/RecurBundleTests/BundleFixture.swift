import CharLMTask
import Foundation
import LSTMCell
import RecurBundle
import RecurKit

/// A tiny trained char-lm run on disk, made in-process, for bundle tests.
final class BundleFixture {
    let root: URL
    let cells = Registry<CellDescriptor>(kind: "cell")
    let tasks = Registry<TaskDescriptor>(kind: "task")
    let config: RunConfig

    init(steps: Int = 4) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("recur-bundle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try cells.register(LSTMPlugin.descriptor)
        try tasks.register(CharLMPlugin.descriptor)
        let corpus = root.appendingPathComponent("corpus.txt")
        try String(repeating: "a stitch in time saves nine.\n", count: 30).write(to: corpus, atomically: true, encoding: .utf8)
        var c = RunConfig(task: "char-lm", stack: StackConfig(cell: "lstm", hiddenSize: 8))
        CharLMPlugin.descriptor.defaults(&c)
        c.stack.hiddenSize = 8
        c.batch = 3
        c.seqLen = 10
        c.evalEvery = 1000
        c.data = corpus.path
        c.taskOptions = try CharLMPlugin.descriptor.resolveOptions(["embedding": "4"])
        config = c
        if steps > 0 { _ = try train(into: run, steps: steps) }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    var run: RunDirectory { RunDirectory(root.appendingPathComponent("run")) }

    /// Trains a fresh run (or continues `from` a checkpoint) until `steps`; returns the trainer.
    func train(into directory: RunDirectory, steps: Int, from checkpoint: Checkpoint? = nil, artifacts: [String: Data]? = nil) throws -> Trainer {
        let session = try CharLMPlugin.descriptor.makeSession(config, TaskContext(cells: cells, artifacts: artifacts))
        if checkpoint == nil {
            try directory.create(overwrite: true)
            try directory.writeConfig(config)
            try directory.writeArtifacts(try session.artifacts())
        }
        let trainer = Trainer(config: config, session: session, run: directory)
        if let checkpoint {
            try load(checkpoint.weights, into: session.parameters)
            try trainer.restore(checkpoint, source: "test")
        }
        _ = try trainer.train(until: steps)
        return trainer
    }

    func bundle() throws -> RunBundle { try RunBundle(run: run, cells: cells, tasks: tasks) }
}
