import Foundation
import RecurKit

/// `manifest.json`: what a bundle holds and what it needs, with the size and SHA-256 of every
/// other member so nothing is used before it has been verified.
public struct BundleManifest: Codable, Sendable {
    /// Plugins a bundle depends on. A run-time plugin is recorded by name, version, its
    /// library's file name and the SHA-256 of that library — never the sender's path to it, which
    /// means nothing on the receiver's machine. `origin` is `built-in` or `plugin` (bundles
    /// written before this record held the library's absolute path there).
    public struct Plugin: Codable, Sendable, Equatable {
        public var name: String
        public var version: String
        public var origin: String
        /// The plugin library's file name (`libMinGRUPlugin.so`); `nil` for a built-in.
        public var library: String?
        /// SHA-256 of the library as it was when the bundle was written; `nil` for a built-in or
        /// when it could not be read.
        public var sha256: String?

        public init(name: String, version: String, origin: String, library: String? = nil, sha256: String? = nil) {
            self.name = name
            self.version = version
            self.origin = origin
            self.library = library
            self.sha256 = sha256
        }

        /// The record of a registered plugin whose `origin` is "built-in" or its library's path.
        public static func recording(name: String, version: String, origin: String) -> Plugin {
            guard origin != "built-in" else { return Plugin(name: name, version: version, origin: origin) }
            let url = URL(fileURLWithPath: origin)
            let hash = (try? RegularFile.read(url, limit: 1 << 30, followingLinks: true)).map(SHA256.hex)
            return Plugin(name: name, version: version, origin: "plugin", library: url.lastPathComponent, sha256: hash)
        }

        public var isBuiltIn: Bool { origin == "built-in" }

        /// `built-in`, or `plugin libX.so, sha256 0123abcd…` (an old bundle: its recorded origin).
        public var provenance: String {
            guard let library else { return origin }
            return "plugin \(library)" + (sha256.map { ", sha256 \($0.prefix(12))…" } ?? "")
        }
    }

    public struct Member: Codable, Sendable, Equatable {
        public var size: Int
        public var sha256: String
    }

    public static let currentFormat = 2

    public var formatVersion: Int
    public var recurVersion: String
    public var created: String
    public var task: Plugin
    public var cell: Plugin
    public var config: RunConfig
    public var step: Int
    public var metrics: [String: Double]
    public var members: [String: Member]
    /// Set by `recur export --best`: the weights are those of the best evaluation, at this
    /// step (and `metrics` are that evaluation's), not those of the training position.
    public var bestStep: Int?

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", recurVersion = "recur_version", created, task, cell, config, step, metrics, members
        case bestStep = "best_step"
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}

/// Numbered upgrades of older manifests, applied in order on the raw JSON so that old bundles
/// keep loading after the format changes. A change to the format adds a step here and bumps
/// `BundleManifest.currentFormat`.
///
/// - 1 → 2: the run config inside moves to run-config format 2 (typed task and cell options,
///   `path` in `stack`), through ``RunConfigMigrations``.
enum BundleMigrations {
    /// `steps[i]` turns format `i + 1` into format `i + 2`.
    static let steps: [@Sendable ([String: Any]) throws -> [String: Any]] = [upgradeConfig]

    @Sendable static func upgradeConfig(_ json: [String: Any]) throws -> [String: Any] {
        var out = json
        if let config = json["config"] as? [String: Any] {
            out["config"] = try RunConfigMigrations.upgrade(config, source: "manifest.json")
        }
        return out
    }

    static func upgrade(_ json: [String: Any], source: String) throws -> [String: Any] {
        guard let version = json["format_version"] as? Int else { throw BundleError(source, "manifest.json has no format_version") }
        guard version >= 1 else { throw BundleError(source, "format_version \(version) is not a Recur bundle format") }
        guard version <= BundleManifest.currentFormat else {
            throw BundleError(source, "bundle format \(version) is newer than this Recur reads (\(BundleManifest.currentFormat)); upgrade Recur")
        }
        var upgraded = json
        for step in steps[(version - 1)...] {
            upgraded = try step(upgraded)
        }
        // The run config inside carries its own format, upgraded on its own numbering.
        if let config = upgraded["config"] as? [String: Any] {
            upgraded["config"] = try RunConfigMigrations.upgrade(config, source: "manifest.json")
        }
        upgraded["format_version"] = BundleManifest.currentFormat
        return upgraded
    }
}
