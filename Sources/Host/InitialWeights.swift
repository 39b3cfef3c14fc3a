import Foundation
import RecurKit

/// `recur run --init-from PATH`: PATH is a run directory, a `.recur` bundle, or a safetensors
/// file — a PyTorch state dict (``StateDictFile``) or a run's `checkpoint.safetensors`. A file is
/// told apart by its first bytes, so a state dict is never mistaken for a run and reported as its
/// parent folder ("… is not a run directory").
func loadInitialWeights(from path: String, into parameters: [NamedParameter], task: String) throws {
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
        throw UserError("--init-from \(path): no such run directory, bundle or safetensors file")
    }
    if isDirectory.boolValue || isCompressedBundle(url) {
        let source = try LoadedRun(path: path)
        do { try load(source.checkpoint.weights, into: parameters) } catch {
            throw UserError("--init-from \(path): its weights do not fit this model: \(error)")
        }
        return
    }
    let tensors = WeightNameMigrations.upgrade(weights: try StateDictFile.read(url), task: task)
    do { try StateDictMatch.assign(tensors, to: parameters, source: url.path) } catch let error as StateDictMismatch {
        throw UserError("--init-from \(path): its weights do not fit this model:\n  " + error.match.problems.joined(separator: "\n  "))
    }
}

/// A bundle is tar + zstd (or gzip, for bundles other tools wrote); a state dict starts with its header length.
private func isCompressedBundle(_ url: URL) -> Bool {
    guard let handle = try? FileHandle(forReadingFrom: url) else { return url.pathExtension == "recur" }
    defer { try? handle.close() }
    let head = [UInt8]((try? handle.read(upToCount: 4)) ?? Data())
    return head == [0x28, 0xB5, 0x2F, 0xFD] || head.starts(with: [0x1F, 0x8B]) || url.pathExtension == "recur"
}
