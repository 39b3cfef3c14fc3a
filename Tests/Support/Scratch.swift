import Foundation
import RecurKit

/// A fresh temporary folder for the small files a test writes, removed with the object.
public final class Scratch {
    public let directory: URL

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("recur-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Writes `text` to `name` (folders made as needed) and returns its URL.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}

/// Trains `session` for `steps` Adam steps at its run's learning rate (one process, training
/// stream seeded 1) and returns the losses.
@discardableResult
public func train(_ session: any TaskSession, steps: Int) throws -> [Float] {
    let optimizer = Adam(learningRate: session.config.learningRate)
    var rng = RandomGenerator(seed: 1)
    var losses: [Float] = []
    let parameters = distinctParameters(session.parameters)
    for step in 0..<steps {
        for (_, p) in parameters { p.zeroGrad() }
        let (loss, _) = try session.trainingLoss(step: step, rng: &rng)
        loss.backward()
        optimizer.step(parameters)
        losses.append(loss.value.scalar)
    }
    return losses
}
