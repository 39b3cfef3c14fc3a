import Foundation

/// What every rank of a data-parallel job must agree on before the first all-reduce: ranks whose
/// models differ (another `--data`, so another vocabulary) would sum gradient buffers of
/// different sizes, which corrupts memory instead of failing.
public struct ModelFingerprint: Equatable, Sendable {
    /// Hashes of the parameter names and shapes, of the training config, and of the session's
    /// artifacts (vocabularies, labels).
    public var parameters: UInt64, config: UInt64, artifacts: UInt64

    public init(config: RunConfig, session: any TaskSession) throws {
        var shapes = Data()
        for (name, variable) in session.parameters { shapes.append(Data("\(name)\(variable.value.shape);".utf8)) }
        parameters = Self.fnv1a(shapes)
        // Fields that shape the computation; per-rank ones (data path, logging) may differ. The
        // stack as sorted JSON: its cell options are a dictionary, whose printed order differs
        // from process to process.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let stack = String(decoding: try encoder.encode(config.stack), as: UTF8.self)
        let shared = "\(config.task)|\(stack)|\(config.batch)|\(config.seqLen)|\(config.optimizer)|\(config.learningRate)|"
            + "\(config.momentum)|\(config.clip)|\(config.seed)|\(config.taskOptions.sorted { $0.key < $1.key })"
        self.config = Self.fnv1a(Data(shared.utf8))
        var files = Data()
        for (name, data) in try session.artifacts().sorted(by: { $0.key < $1.key }) { files.append(Data(name.utf8)); files.append(data) }
        artifacts = Self.fnv1a(files)
    }

    init(parameters: UInt64, config: UInt64, artifacts: UInt64) {
        self.parameters = parameters
        self.config = config
        self.artifacts = artifacts
    }

    /// FNV-1a, 64 bits: enough to tell accidentally different models apart.
    static func fnv1a(_ data: Data) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    /// 16-bit pieces, which Float holds exactly, so the hashes survive a float all-gather.
    var floats: [Float] {
        [parameters, config, artifacts].flatMap { h in (0..<4).map { Float((h >> (16 * UInt64($0))) & 0xFFFF) } }
    }

    init(floats: ArraySlice<Float>) {
        let values = Array(floats)
        func hash(_ i: Int) -> UInt64 { (0..<4).reduce(0) { $0 | UInt64(values[4 * i + $1]) << (16 * UInt64($1)) } }
        self.init(parameters: hash(0), config: hash(1), artifacts: hash(2))
    }

    /// Gathers every rank's fingerprint and throws, on every rank, naming the ranks whose model
    /// differs from rank 0's and what differs. Every rank must call it.
    public func check(across group: any ProcessGroup) throws {
        let mine = floats
        let all = mine.withUnsafeBufferPointer { group.allGather($0.baseAddress!, count: $0.count) }
        let prints = (0..<group.size).map { ModelFingerprint(floats: all[(12 * $0)..<(12 * $0 + 12)]) }
        let differing = prints.indices.filter { prints[$0] != prints[0] }
        guard let first = differing.first else { return }
        var what: [String] = []
        if prints[first].parameters != prints[0].parameters { what.append("parameter names or shapes") }
        if prints[first].config != prints[0].config { what.append("training config") }
        if prints[first].artifacts != prints[0].artifacts { what.append("vocabulary or other task files") }
        throw RunError("rank\(differing.count == 1 ? "" : "s") \(differing.map(String.init).joined(separator: ", ")) built a model that differs from rank 0's (\(what.joined(separator: ", "))); every rank needs the same data and options")
    }
}
