import Foundation
import RecurKit

/// A training run as one shareable archive (`.recur`: tar + zstd):
///
///     manifest.json          format, versions, task and cell plugins, config, metrics, checksums
///     weights.safetensors    model weights under PyTorch names
///     optimizer.safetensors  optimizer state (Adam moments, step)
///     trainer.json           step, RNG state, data position, carried hidden state
///     <artifacts>            task files such as vocab.json
///     log.jsonl              the training log
///
/// Opening one verifies every member before any is used; nothing is written anywhere until the
/// whole bundle has verified.
public struct RunBundle {
    public static let fileExtension = "recur"
    static let fixedMembers: Set = ["manifest.json", "weights.safetensors", "optimizer.safetensors", "trainer.json", "log.jsonl"]
    /// Files of a run directory that a bundle rebuilds from its manifest and checkpoint members;
    /// a member by one of these names would override the verified configuration.
    static let runFiles = ["config.json", "checkpoint.safetensors"]
    /// A hidden file in a run directory made by `import`: its config came from a bundle, so its
    /// data paths are records, not files to open, until a `resume --data` replaces them.
    public static let importedMarker = ".imported-from-bundle"

    public var manifest: BundleManifest
    public var checkpoint: Checkpoint
    public var artifacts: [String: Data]
    public var log: Data

    /// `trainer.json`: the training position plus the task's tensors (carried state), stored
    /// as JSON numbers, which round-trip Float exactly.
    struct TrainerState: Codable {
        var position: TrainingPosition
        var tensors: [String: StoredTensor]
    }

    struct StoredTensor: Codable {
        var shape: [Int]
        var data: [Float]
    }

    // MARK: - From a run directory

    /// `best` packs the run's best weights (`best.safetensors`) instead of the latest; such a
    /// bundle is for evaluating and sampling, and `recur resume` refuses it.
    public init(run directory: RunDirectory, cells: Registry<CellDescriptor>, tasks: Registry<TaskDescriptor>, best: Bool = false) throws {
        let config = try directory.readConfig()
        guard FileManager.default.fileExists(atPath: directory.checkpointURL.path) else {
            throw RunError("\(directory.url.path) has no checkpoint to export yet; train it first")
        }
        var latest = WeightNameMigrations.upgrade(
            try Checkpoint.decode(try RegularFile.read(directory.checkpointURL), source: directory.checkpointURL.path), task: config.task)
        let kept = best ? try directory.readBest() : nil
        if let kept {
            let keptWeights = WeightNameMigrations.upgrade(weights: kept.weights, task: config.task)
            let shapes = latest.weights.mapValues(\.shape)
            guard shapes == keptWeights.mapValues(\.shape) else {
                throw RunError("\(directory.bestURL.path): its weights do not match the run's checkpoint (names or shapes differ)")
            }
            latest.weights = keptWeights
        }
        checkpoint = latest
        artifacts = try directory.readArtifacts()
        log = RegularFile.kind(of: directory.logURL.path) == .missing ? Data() : try RegularFile.read(directory.logURL)
        let task = try tasks.lookup(config.task), cell = try cells.lookup(config.stack.cell)
        manifest = BundleManifest(
            formatVersion: BundleManifest.currentFormat, recurVersion: RecurVersion.current,
            created: ISO8601DateFormatter().string(from: Date()),
            task: .recording(name: task.name, version: task.version, origin: task.origin),
            cell: .recording(name: cell.name, version: cell.version, origin: cell.origin),
            config: config, step: checkpoint.position.step, metrics: kept?.metrics ?? checkpoint.position.metrics, members: [:],
            bestStep: kept?.step)
    }

    /// The members in archive order (manifest first), with the manifest's checksums filled in.
    func members() throws -> [(name: String, data: Data)] {
        let trainer = TrainerState(position: checkpoint.position,
                                   tensors: checkpoint.taskTensors.mapValues { StoredTensor(shape: $0.shape, data: $0.scalars) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var body: [(name: String, data: Data)] = [
            ("weights.safetensors", try SafeTensors.encode(checkpoint.weights, metadata: ["format": "pt"])),
            ("optimizer.safetensors", try SafeTensors.encode(checkpoint.optimizerState)),
            ("trainer.json", try encoder.encode(trainer)),
        ]
        for name in artifacts.keys.sorted() { body.append((name, artifacts[name]!)) }
        body.append(("log.jsonl", log))
        var manifest = self.manifest
        manifest.members = Dictionary(uniqueKeysWithValues: body.map { ($0.name, BundleManifest.Member(size: $0.data.count, sha256: SHA256.hex($0.data))) })
        return [("manifest.json", try manifest.encoded())] + body
    }

    /// Writes the bundle atomically.
    public func write(to url: URL) throws {
        try ArchiveWriter.write(try members(), to: url)
    }

    // MARK: - From a bundle file

    /// Reads and verifies a bundle: safe archive reading, the manifest (migrated to the current
    /// format), every member's size and SHA-256, no unlisted members, valid safetensors.
    public init(contentsOf url: URL, limits: ArchiveLimits = ArchiveLimits()) throws {
        let source = url.path
        let data: Data
        do { data = try RegularFile.read(url, limit: limits.total) } catch let error as RunError {
            throw BundleError(source, String(error.message.dropFirst(source.count + 2)))
        }
        try self.init(data: data, source: source, limits: limits)
    }

    public init(data: Data, source: String, limits: ArchiveLimits = ArchiveLimits()) throws {
        let files = try ArchiveReader.read(data, source: source, limits: limits)
        guard let manifestData = files["manifest.json"] else { throw BundleError(source, "no manifest.json; not a Recur bundle") }
        guard let raw = try? JSONSerialization.jsonObject(with: manifestData) as? [String: Any] else {
            throw BundleError(source, "manifest.json is not a JSON object")
        }
        let upgraded = try BundleMigrations.upgrade(raw, source: source)
        do {
            manifest = try JSONDecoder().decode(BundleManifest.self, from: JSONSerialization.data(withJSONObject: upgraded))
        } catch {
            throw BundleError(source, "manifest.json is not a valid manifest (\(error))")
        }
        for name in files.keys.sorted() where name != "manifest.json" && manifest.members[name] == nil {
            throw BundleError(source, "member '\(name)' is not listed in the manifest")
        }
        for (name, expected) in manifest.members.sorted(by: { $0.key < $1.key }) {
            guard let content = files[name] else { throw BundleError(source, "member '\(name)' listed in the manifest is missing") }
            guard content.count == expected.size else {
                throw BundleError(source, "member '\(name)' is \(content.count) bytes, the manifest says \(expected.size)")
            }
            guard SHA256.hex(content) == expected.sha256 else {
                throw BundleError(source, "member '\(name)' fails its SHA-256 check (the file was altered or damaged)")
            }
        }
        for name in RunBundle.runFiles where files[name] != nil {
            throw BundleError(source, "member '\(name)' would replace the run's own \(name); bundles never hold one")
        }
        for name in RunBundle.fixedMembers where name != "manifest.json" && files[name] == nil {
            throw BundleError(source, "required member '\(name)' is missing")
        }
        let weights = try SafeTensors.decode(files["weights.safetensors"]!, source: "\(source): weights.safetensors").tensors
        let optimizer = try SafeTensors.decode(files["optimizer.safetensors"]!, source: "\(source): optimizer.safetensors").tensors
        let trainer: TrainerState
        do { trainer = try JSONDecoder().decode(TrainerState.self, from: files["trainer.json"]!) } catch {
            throw BundleError(source, "trainer.json is not valid (\(error))")
        }
        var taskTensors: [String: Tensor] = [:]
        for (name, stored) in trainer.tensors {
            guard stored.shape.allSatisfy({ $0 >= 0 }), SafeTensors.elementCount(stored.shape) == stored.data.count else {
                throw BundleError(source, "trainer.json tensor '\(name)' does not fit its shape \(stored.shape)")
            }
            taskTensors[name] = Tensor(shape: stored.shape, scalars: stored.data)
        }
        do {
            try manifest.config.checkStored(source: "manifest.json")
            try trainer.position.checkStored(source: "trainer.json")
        } catch let error as RunError {
            throw BundleError(source, error.message)
        }
        checkpoint = WeightNameMigrations.upgrade(
            Checkpoint(weights: weights, optimizerState: optimizer, taskTensors: taskTensors, position: trainer.position),
            task: manifest.config.task)
        artifacts = files.filter { !RunBundle.fixedMembers.contains($0.key) }
        log = files["log.jsonl"]!
    }

    /// Fails with one line naming the plugin, its version and origin, and what is registered,
    /// when this machine lacks a plugin the bundle needs.
    public func checkPlugins(cells: Registry<CellDescriptor>, tasks: Registry<TaskDescriptor>, source: String) throws {
        if (try? tasks.lookup(manifest.task.name)) == nil {
            throw BundleError(source, "needs task '\(manifest.task.name)' \(manifest.task.version) (\(manifest.task.provenance)), which is not registered here;\(manifest.task.isBuiltIn ? "" : " build that plugin (`recur plugin build DIR`);") registered tasks: \(tasks.names.joined(separator: ", "))")
        }
        if (try? cells.lookup(manifest.cell.name)) == nil {
            throw BundleError(source, "needs cell '\(manifest.cell.name)' \(manifest.cell.version) (\(manifest.cell.provenance)), which is not registered here;\(manifest.cell.isBuiltIn ? "" : " build that plugin (`recur plugin build DIR`);") registered cells: \(cells.names.joined(separator: ", "))")
        }
    }

    /// Writes the bundle out as a run directory at `destination`, which must not exist yet (or be
    /// an empty folder, as `resume` claims one); the files go to a temporary sibling first and
    /// appear by one rename. `config` replaces the
    /// manifest's (a resumed bundle trains on the `--data` it was given); without it (`import`)
    /// the manifest's config is kept and the run is marked with ``importedMarker``, so that its
    /// data paths stay records that are never opened.
    public func materialize(at destination: URL, config: RunConfig? = nil) throws {
        let fm = FileManager.default
        let emptyFolder = RegularFile.kind(of: destination.path) == .directory
            && (try? fm.contentsOfDirectory(atPath: destination.path).isEmpty) == true
        guard emptyFolder || !fm.fileExists(atPath: destination.path) else {
            throw RunError("\(destination.path) already exists; choose another destination")
        }
        try fm.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        RunDirectory.removeStaleTemporaries(in: destination.deletingLastPathComponent())
        let staging = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).importing-\(getpid())")
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        do {
            let run = RunDirectory(staging)
            // Artifacts first, so that the run's own files are the last word even if one slipped past the reader.
            try run.writeArtifacts(artifacts)
            try run.writeConfig(config ?? manifest.config)
            if config == nil { try AtomicFile.write(Data((manifest.config.data ?? "").utf8), to: staging.appendingPathComponent(Self.importedMarker)) }
            try log.write(to: run.logURL)
            try AtomicFile.write(try checkpoint.encoded(), to: run.checkpointURL)
            // rename(2) replaces an empty folder atomically, and refuses a non-empty one.
            guard rename(staging.path, destination.path) == 0 else {
                throw RunError("\(RegularFile.describe(errno)) moving the imported run to \(destination.path)")
            }
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
    }
}
