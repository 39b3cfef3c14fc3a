import CharLMTask
import Foundation
import XCTest
@testable import RecurBundle
import RecurKit

/// Mutates a good bundle — every JSON field of every member, every safetensors header field,
/// systematically and then at random (seeded) — and runs each mutant through what `inspect`,
/// `sample`, `resume` and `import` do, in-process. Each case must succeed or fail with one line
/// from one of Recur's error types; a trap ends the test process (the case being run is in
/// `recur-fuzz-current.txt` in the temporary directory). Nothing may be written outside the
/// case's own directory. `RECUR_FUZZ_CASES` and `RECUR_FUZZ_SEED` scale the random part
/// (`scripts/fuzz-bundles.sh` runs it for longer).
final class BundleFuzzTests: XCTestCase {
    var fixture: BundleFixture!
    var members: [(name: String, data: Data)] = []
    var corpus: URL { fixture.root.appendingPathComponent("corpus.txt") }
    var outcomes: [String: Int] = [:]
    var failures: [String] = []
    var current: URL { FileManager.default.temporaryDirectory.appendingPathComponent("recur-fuzz-current.txt") }

    override func setUpWithError() throws {
        fixture = try BundleFixture(steps: 3)
        members = try fixture.bundle().members()
    }

    // MARK: - The mutations

    /// A JSON value: the replacements tried for it.
    nonisolated(unsafe) static let replacements: [(String, Any?)] = [
        ("absent", nil), ("null", NSNull()), ("a string", "x"), ("an empty string", ""), ("-1", -1), ("0", 0), ("1", 1),
        ("3", 3), ("2^31", 1 << 31), ("Int.max", Int.max), ("1e300", 1e300), ("-0.5", -0.5), ("true", true),
        ("[]", [Any]()), ("{}", [String: Any]()), ("[1, 2]", [1, 2]), ("\"2147483648\"", "2147483648"), ("\"-1\"", "-1"),
    ]

    /// Every path (keys and indices) into a JSON value, containers included.
    static func paths(_ value: Any, prefix: [Any] = []) -> [[Any]] {
        var result: [[Any]] = prefix.isEmpty ? [] : [prefix]
        if let object = value as? [String: Any] {
            for key in object.keys.sorted() { result += paths(object[key]!, prefix: prefix + [key]) }
        } else if let array = value as? [Any] {
            for i in array.indices.prefix(4) { result += paths(array[i], prefix: prefix + [i]) }
        }
        return result
    }

    /// `value` with the element at `path` replaced (`nil`: removed; `duplicate`: an array element repeated).
    static func replacing(_ value: Any, at path: [Any], with new: Any?, duplicate: Bool = false) -> Any {
        guard let head = path.first else { return new ?? NSNull() }
        let rest = Array(path.dropFirst())
        if var object = value as? [String: Any], let key = head as? String {
            if rest.isEmpty && new == nil && !duplicate { object[key] = nil } else { object[key] = replacing(object[key]!, at: rest, with: new, duplicate: duplicate) }
            return object
        }
        if var array = value as? [Any], let index = head as? Int {
            if rest.isEmpty && duplicate { array.insert(array[index], at: index) }
            else if rest.isEmpty && new == nil { array.remove(at: index) }
            else { array[index] = replacing(array[index], at: rest, with: new, duplicate: duplicate) }
            return array
        }
        return value
    }

    /// A safetensors file's header as JSON, and its data.
    static func splitSafetensors(_ data: Data) -> (header: Any, body: Data) {
        let length = Int(data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        return (try! JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))), data.subdata(in: (8 + length)..<data.count))
    }

    static func joinSafetensors(header: Any, body: Data) -> Data {
        let json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data("{".utf8)
        var data = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Data($0) }
        data.append(json)
        data.append(body)
        return data
    }

    /// A member's JSON content, for the members that are JSON.
    static func json(_ name: String, _ data: Data) -> Any? {
        if name.hasSuffix(".safetensors") { return splitSafetensors(data).header }
        if name.hasSuffix(".json") { return try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) }
        return nil
    }

    static func encode(_ name: String, _ value: Any, original: Data) -> Data {
        if name.hasSuffix(".safetensors") { return joinSafetensors(header: value, body: splitSafetensors(original).body) }
        return (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])) ?? Data("null".utf8)
    }

    /// The bundle with `name` replaced by `data`; the manifest's size and checksum follow the new
    /// content (so that the mutation reaches past verification) unless the manifest itself was mutated.
    func archive(replacing name: String, with data: Data) -> Data {
        var entries = members.map { CraftedArchive.Entry(name: $0.name, data: $0.data) }
        let index = entries.firstIndex { $0.name == name }!
        entries[index].data = data
        if name != "manifest.json" {
            var manifest = try! JSONSerialization.jsonObject(with: entries[0].data) as! [String: Any]
            var listed = manifest["members"] as! [String: Any]
            listed[name] = ["size": data.count, "sha256": SHA256.hex(data)]
            manifest["members"] = listed
            entries[0].data = try! JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys])
        }
        var archive = CraftedArchive()
        archive.entries = entries
        return archive.bytes()
    }

    // MARK: - Running one case

    /// What `inspect`, `sample`, `resume` and `import` do with the bundle; throws what they would report.
    func use(_ bytes: Data, in root: URL) throws {
        let bundle = try RunBundle(data: bytes, source: "fuzz.recur")
        try bundle.checkPlugins(cells: fixture.cells, tasks: fixture.tasks, source: "fuzz.recur")
        _ = try RunLog(bundle.log, source: "fuzz.recur: log.jsonl")
        var config = bundle.manifest.config
        config.data = corpus.path          // as `--data`: a bundle's own data path is never opened
        config.taskOptions["valid"] = nil
        let task = try fixture.tasks.lookup(config.task)
        let session = try task.makeSession(config, TaskContext(cells: fixture.cells, artifacts: bundle.artifacts))
        try load(bundle.checkpoint.weights, into: session.parameters)
        if let generator = session as? any TextGenerating {
            var rng = RandomGenerator(seed: 1)
            try generator.generate(prime: "a", length: 4, temperature: 1, topK: nil, rng: &rng) { _ in }
        }
        let run = RunDirectory(root.appendingPathComponent("run"))
        try run.create(overwrite: false)
        try run.writeConfig(config)
        let trainer = Trainer(config: config, session: session, run: run)
        try trainer.restore(bundle.checkpoint, source: "fuzz.recur")
        _ = try trainer.train(until: trainer.step + 1)
        try bundle.materialize(at: root.appendingPathComponent("imported"))
    }

    /// Runs one mutant and files its outcome; `label` says what was mutated.
    func check(_ label: String, _ bytes: Data) {
        try? Data(label.utf8).write(to: current)
        let root = fixture.root.appendingPathComponent("case")
        try? FileManager.default.removeItem(at: root)
        try! FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let before = Set((try? FileManager.default.contentsOfDirectory(atPath: fixture.root.path)) ?? [])
        do {
            try use(bytes, in: root)
            outcomes["accepted", default: 0] += 1
        } catch {
            let line = "\(error)"
            let known = error is BundleError || error is RunError || error is DataFileError || error is ConfigValueError || error is UnknownOptionError || error is TaskError
                || error is SafeTensors.FormatError || error is ParameterLoadError || error is OptimizerStateError
                || error is NonFiniteLossError || error is RegistryError
            if line.isEmpty || line.contains("\n") || !known {
                failures.append("\(label): \(type(of: error)): \(line)")
            }
            outcomes[String(describing: type(of: error)), default: 0] += 1
        }
        let after = Set((try? FileManager.default.contentsOfDirectory(atPath: fixture.root.path)) ?? [])
        if after != before { failures.append("\(label): wrote outside its directory: \(after.subtracting(before).sorted())") }
        let inside = Set((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])
        if !inside.isSubset(of: ["run", "imported"]) { failures.append("\(label): left \(inside.sorted())") }
    }

    // MARK: - The tests

    func testEveryMutationOfEveryFieldFailsCleanlyOrWorks() throws {
        let started = Date()
        var count = 0
        for (name, data) in members {
            guard let value = Self.json(name, data) else { continue }
            // A safetensors header's entries all have one layout: three of them stand for the rest.
            let sample = name.hasSuffix(".safetensors") ? Set(((value as? [String: Any])?.keys.sorted() ?? []).prefix(3)) : nil
            for path in Self.paths(value) where sample.map({ $0.contains(path[0] as! String) }) ?? true {
                let where_ = "\(name) \(path.map { "\($0)" }.joined(separator: "."))"
                for (what, replacement) in Self.replacements {
                    check("\(where_) = \(what)", archive(replacing: name, with: Self.encode(name, Self.replacing(value, at: path, with: replacement), original: data)))
                    count += 1
                }
                if path.last is Int {
                    check("\(where_) duplicated", archive(replacing: name, with: Self.encode(name, Self.replacing(value, at: path, with: nil, duplicate: true), original: data)))
                    count += 1
                }
            }
        }
        count += try randomCases(Int(ProcessInfo.processInfo.environment["RECUR_FUZZ_CASES"] ?? "") ?? 300,
                                 seed: UInt64(ProcessInfo.processInfo.environment["RECUR_FUZZ_SEED"] ?? "") ?? 14)
        print("bundle fuzz: \(count) cases in \(String(format: "%.1f", Date().timeIntervalSince(started))) s: \(outcomes.sorted { $0.key < $1.key })")
        XCTAssertGreaterThanOrEqual(count, 2000)
        XCTAssertEqual(failures, [], "\(failures.count) of \(count) cases misbehaved")
        try? FileManager.default.removeItem(at: current)
    }

    /// Seeded random mutants: one to three random replacements in one member, or bytes flipped
    /// in a safetensors body or a JSON text (with the manifest following, so they are used).
    func randomCases(_ n: Int, seed: UInt64) throws -> Int {
        var rng = RandomGenerator(seed: seed)
        func pick(_ count: Int) -> Int { Int(rng.next() % UInt64(count)) }
        for i in 0..<n {
            let (name, data) = members[1 + pick(members.count - 1)]
            let label = "random #\(i) (seed \(seed)) \(name)"
            if let value = Self.json(name, data), pick(4) != 0 {
                var mutated = value
                var what: [String] = []
                for _ in 0...pick(3) {
                    let paths = Self.paths(mutated)
                    guard !paths.isEmpty else { break }
                    let path = paths[pick(paths.count)]
                    let (text, replacement) = pick(3) == 0 ? ("\(Int(pick(200)) - 100)", Int(pick(200)) - 100 as Any?) : Self.replacements[pick(Self.replacements.count)]
                    mutated = Self.replacing(mutated, at: path, with: replacement)
                    what.append("\(path.map { "\($0)" }.joined(separator: ".")) = \(text)")
                }
                check("\(label): \(what.joined(separator: ", "))", archive(replacing: name, with: Self.encode(name, mutated, original: data)))
            } else if !data.isEmpty {
                var bytes = data
                for _ in 0...pick(4) { bytes[pick(bytes.count)] = UInt8(pick(256)) }
                check("\(label): bytes changed", archive(replacing: name, with: bytes))
            }
        }
        return n
    }

    // MARK: - Run directories

    /// What `resume` does with a run directory: read it, rebuild the session, restore, train a step.
    func resume(_ directory: URL) throws {
        let run = RunDirectory(directory)
        let config = try run.readConfig()
        let artifacts = try run.readArtifacts()
        let checkpoint = try Checkpoint.decode(try RegularFile.read(run.checkpointURL), source: run.checkpointURL.path)
        let session = try fixture.tasks.lookup(config.task).makeSession(config, TaskContext(cells: fixture.cells, artifacts: artifacts))
        try load(checkpoint.weights, into: session.parameters)
        let trainer = Trainer(config: config, session: session, run: run)
        try trainer.restore(checkpoint, source: run.url.path)
        _ = try trainer.train(until: trainer.step + 1)
    }

    /// The same mutations on the files of a run directory (a hand-edited or damaged run).
    func testEveryMutationOfARunDirectoryFailsCleanlyOrWorks() throws {
        let source = fixture.run.url
        let started = Date()
        var count = 0
        for name in ["config.json", "checkpoint.safetensors", "vocab.json"] {
            let data = try Data(contentsOf: source.appendingPathComponent(name))
            guard let value = Self.json(name, data) else { continue }
            let sample = name.hasSuffix(".safetensors") ? Set(((value as? [String: Any])?.keys.sorted() ?? []).prefix(3) + ["__metadata__"]) : nil
            for path in Self.paths(value) where sample.map({ $0.contains(path[0] as! String) }) ?? true {
                for (what, replacement) in Self.replacements {
                    let label = "run \(name) \(path.map { "\($0)" }.joined(separator: ".")) = \(what)"
                    try? Data(label.utf8).write(to: current)
                    let copy = fixture.root.appendingPathComponent("case-run")
                    try? FileManager.default.removeItem(at: copy)
                    try FileManager.default.copyItem(at: source, to: copy)
                    try Self.encode(name, Self.replacing(value, at: path, with: replacement), original: data).write(to: copy.appendingPathComponent(name))
                    let before = Set(try FileManager.default.contentsOfDirectory(atPath: fixture.root.path))
                    do {
                        try resume(copy)
                        outcomes["accepted", default: 0] += 1
                    } catch {
                        let line = "\(error)"
                        if line.isEmpty || line.contains("\n") || error is DecodingError || error is CocoaError {
                            failures.append("\(label): \(type(of: error)): \(line)")
                        }
                        outcomes[String(describing: type(of: error)), default: 0] += 1
                    }
                    XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: fixture.root.path)), before, label)
                    count += 1
                }
            }
        }
        print("run-directory fuzz: \(count) cases in \(String(format: "%.1f", Date().timeIntervalSince(started))) s: \(outcomes.sorted { $0.key < $1.key })")
        XCTAssertGreaterThanOrEqual(count, 500)
        XCTAssertEqual(failures, [], "\(failures.count) of \(count) cases misbehaved")
        try? FileManager.default.removeItem(at: current)
    }
}
