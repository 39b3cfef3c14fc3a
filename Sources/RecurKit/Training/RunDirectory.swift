import Foundation

/// The files of one training run:
///
///     config.json              the RunConfig, written at start
///     log.jsonl                one JSON object per logged step (and per evaluation)
///     checkpoint.safetensors   weights + optimizer state + training position, replaced atomically
///     <artifacts>              task files such as vocab.json, written once
public struct RunDirectory: Sendable {
    public let url: URL
    /// Told of every line ``appendLog(_:)`` writes, after it is written (TensorBoard export).
    public var logListeners: [any RunLogListener] = []

    public init(_ url: URL) { self.url = url }

    public var configURL: URL { url.appendingPathComponent("config.json") }
    public var logURL: URL { url.appendingPathComponent("log.jsonl") }
    public var checkpointURL: URL { url.appendingPathComponent("checkpoint.safetensors") }

    /// Makes the directory; refuses one that already holds a run unless `overwrite`.
    public func create(overwrite: Bool) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: configURL.path) || fm.fileExists(atPath: checkpointURL.path) {
            guard overwrite else {
                throw RunDirectoryOccupied(url: url)
            }
            removeRunFiles()
        }
        try fm.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func writeConfig(_ config: RunConfig) throws {
        try AtomicFile.write(try config.encoded(), to: configURL)
    }

    public func readConfig() throws -> RunConfig {
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw RunError("\(url.path) is not a run directory (no config.json)")
        }
        let data = try RegularFile.read(configURL, limit: 16 << 20)
        let config = try RunConfig.decode(data, source: configURL.path)
        try config.checkStored(source: configURL.path)
        return config
    }

    public func writeArtifacts(_ files: [String: Data]) throws {
        for (name, data) in files { try AtomicFile.write(data, to: url.appendingPathComponent(name)) }
    }

    /// Every regular file except the run's own bookkeeping, for task sessions to reload (and
    /// `export` to pack). Hidden files (temporaries) and bundles (`export -o` into the run) are
    /// never artifacts, and folders are skipped; a link or a special file is refused, since what
    /// it points at is not the run's.
    public func readArtifacts() throws -> [String: Data] {
        let reserved: Set = ["config.json", "log.jsonl", "checkpoint.safetensors"]
        var files: [String: Data] = [:]
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: url.path) } catch {
            throw RunError("\(url.path): cannot list the run directory (\(RegularFile.kind(of: url.path) == .missing ? "no such directory" : "not a readable directory"))")
        }
        for name in names.sorted()
        where !reserved.contains(name) && !name.hasPrefix(".") && !name.hasSuffix(".recur") {
            let file = url.appendingPathComponent(name)
            if RegularFile.kind(of: file.path) == .directory { continue }
            files[name] = try RegularFile.read(file)
        }
        return files
    }

    public func appendLog(_ object: [String: Any]) throws {
        var line = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        line.append(0x0A)
        try AppendOnlyFile.append(line, to: logURL)
        if !logListeners.isEmpty {
            let numbers = logNumbers(object)
            for listener in logListeners { try listener.logged(numbers) }
        }
    }
}

/// A problem with a run the user can fix; the message says what and where.
public struct RunError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A new run was pointed at a directory that already holds one; nothing was changed.
public struct RunDirectoryOccupied: Error, CustomStringConvertible {
    public let url: URL
    public var description: String { "\(url.path) already holds a run" }
}
