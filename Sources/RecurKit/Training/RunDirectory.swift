import Foundation

/// The files of one training run:
///
///     config.json              the RunConfig, written at start
///     log.jsonl                one JSON object per logged step (and per evaluation)
///     checkpoint.safetensors   weights + optimizer state + training position, replaced atomically
///     <artifacts>              task files such as vocab.json, written once
public struct RunDirectory: Sendable {
    public let url: URL

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
            for name in ["config.json", "log.jsonl", "checkpoint.safetensors"] {
                try? fm.removeItem(at: url.appendingPathComponent(name))
            }
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
        let data: Data
        do { data = try Data(contentsOf: configURL) } catch {
            throw RunError("\(configURL.path): cannot read the run config")
        }
        return try RunConfig.decode(data, source: configURL.path)
    }

    public func writeArtifacts(_ files: [String: Data]) throws {
        for (name, data) in files { try AtomicFile.write(data, to: url.appendingPathComponent(name)) }
    }

    /// Every regular file except the run's own bookkeeping, for task sessions to reload.
    public func readArtifacts() throws -> [String: Data] {
        let reserved: Set = ["config.json", "log.jsonl", "checkpoint.safetensors"]
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path)
        where !reserved.contains(name) && !name.hasPrefix(".") {
            files[name] = try Data(contentsOf: url.appendingPathComponent(name))
        }
        return files
    }

    public func appendLog(_ object: [String: Any]) throws {
        var line = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        line.append(0x0A)
        if let handle = try? FileHandle(forWritingTo: logURL) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
        } else {
            try line.write(to: logURL)
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
