import Foundation
import RecurKit
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `mpirun -np 2 recur run … --distributed` on this machine (as root it needs
/// --allow-run-as-root; --oversubscribe because 2 ranks share 2 cores with the test runner).
final class DistributedTests: HostTestCase {
    static let mpirun = ["/usr/bin/mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none"]

    override func setUpWithError() throws {
        try super.setUpWithError()
        guard FileManager.default.isExecutableFile(atPath: Self.mpirun[0]) else {
            throw XCTSkip("mpirun is not installed (make deps installs openmpi-bin)")
        }
    }

    struct Outcome { var status: Int32; var output: String; var seconds: Double }

    /// Runs mpirun with `segments` (MPMD: one `-np 1 recur …` per rank, or one `-np N` segment).
    func mpi(_ segments: [[String]], timeout: TimeInterval = 120) throws -> Outcome {
        let binary = try RecurProcess.locateBinary().path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.mpirun[0])
        var arguments = Array(Self.mpirun.dropFirst())
        for (i, segment) in segments.enumerated() {
            if i > 0 { arguments.append(":") }
            let commands: Set = ["run", "resume", "arena"]
            arguments += segment.prefix { $0 != binary && !commands.contains($0) && !$0.hasPrefix("run") && !$0.hasPrefix("resume") }
            arguments += [binary] + segment.drop { !commands.contains($0) }
        }
        process.arguments = arguments
        process.currentDirectoryURL = work
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        environment["OPENBLAS_NUM_THREADS"] = "1"
        process.environment = environment
        let log = work.appendingPathComponent("mpirun-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        let started = Date()
        try process.run()
        while process.isRunning && Date().timeIntervalSince(started) < timeout { usleep(20_000) }
        if process.isRunning { process.terminate(); usleep(500_000) }
        process.waitUntilExit()
        try handle.close()
        return Outcome(status: process.terminationStatus, output: (try? String(contentsOf: log, encoding: .utf8)) ?? "",
                       seconds: Date().timeIntervalSince(started))
    }

    func trainArgs(_ run: URL, data: URL, steps: Int, extra: [String] = []) -> [String] {
        ["run", "char-lm"] + Self.tiny(["--steps": "\(steps)", "--batch": "4", "--log-every": "1", "--eval-every": "1000"])
            + ["--data", data.path, "--run-dir", run.path] + extra
    }

    func weights(_ run: URL) throws -> [String: Tensor] {
        try Checkpoint.decode(Data(contentsOf: run.appendingPathComponent("checkpoint.safetensors")), source: run.path).weights
    }

    func assertSameTraining(_ a: URL, _ b: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let la = try stepLosses(a), lb = try stepLosses(b)
        XCTAssertEqual(la.keys.sorted(), lb.keys.sorted(), file: file, line: line)
        for (step, loss) in la {
            XCTAssertEqual(loss, lb[step] ?? .nan, accuracy: 1e-5 * abs(loss), "loss at step \(step)", file: file, line: line)
        }
        let wa = try weights(a), wb = try weights(b)
        XCTAssertEqual(Set(wa.keys), Set(wb.keys), file: file, line: line)
        // Relative to each tensor's norm: Adam divides by √v, so an element whose gradient is
        // ~0 can move by a few ulps of its own size when only the summation order differs.
        for (name, t) in wa {
            let other = wb[name]!
            let difference = zip(t.scalars, other.scalars).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }.squareRoot()
            let norm = other.scalars.reduce(0.0) { $0 + Double($1 * $1) }.squareRoot()
            XCTAssertLessThanOrEqual(difference, 1e-5 * max(norm, 1e-6), "\(name) differs by \(t.maxAbsDifference(other))",
                                     file: file, line: line)
        }
    }

    /// `recur` itself does not link OpenMPI (a machine without it runs every other command); the
    /// MPI code is a library beside it, loaded for `--distributed` only.
    func testRecurDoesNotLinkOpenMPI() throws {
        let binary = try RecurProcess.locateBinary()
        let ldd = Process()
        ldd.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        ldd.arguments = [binary.path]
        let pipe = Pipe()
        ldd.standardOutput = pipe
        try ldd.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        ldd.waitUntilExit()
        XCTAssertTrue(output.contains("libRecurKit.so"), output)
        XCTAssertFalse(output.contains("libmpi"), output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: binary.deletingLastPathComponent().appendingPathComponent("libRecurMPI.so").path))
    }

    /// Two ranks with global batch 4 ≡ one process with batch 4: every step's loss and the final weights.
    func testTwoRanksEqualOneProcess() throws {
        let data = try corpus(characters: 1500)
        let single = work.appendingPathComponent("single"), parallel = work.appendingPathComponent("parallel")
        XCTAssertEqual(try recur(trainArgs(single, data: data, steps: 20)).status, 0)
        let outcome = try mpi([["-np", "2"] + trainArgs(parallel, data: data, steps: 20, extra: ["--distributed"])])
        XCTAssertEqual(outcome.status, 0, outcome.output)
        XCTAssertTrue(outcome.output.contains("data-parallel over 2 ranks, 2 rows each"), outcome.output)
        try assertSameTraining(single, parallel)
    }

    /// The other tasks split their batches the same way: 2 ranks ≡ 1 process for translation and
    /// classification too (uneven slices included: a batch of 5 splits 3 + 2, weighted by items).
    /// Plain SGD, because Adam divides by √v: where a gradient is ~0, a rounding difference in
    /// the summation order (which BLAS kernels differ in) becomes an lr-sized step, so after a few
    /// Adam steps the weights of two correct runs can differ by far more than the tolerance. SGD
    /// moves each weight by lr·g, so a mis-weighted or missing slice still shows at once.
    func testTranslationAndClassificationAlsoMatchOneProcess() throws {
        let words = ["one": "un", "two": "deux", "three": "trois", "four": "quatre", "five": "cinq", "six": "six"]
        let pairs = try write("pairs.tsv", String(repeating: words.sorted { $0.key < $1.key }.map { "\($0.key)\t\($0.value)\n" }.joined(), count: 6))
        let labelled = try write("labelled.tsv", String(repeating: "en\thouse\nde\thaus\nen\twater\nde\twasser\nen\tlight\nde\tlicht\n", count: 8))
        for (task, data, batch) in [("translation", pairs, "5"), ("classification", labelled, "5")] {
            let args = { (dir: String) in
                ["run", task, "--data", data.path, "--hidden", "8", "--batch", batch, "--steps", "8", "--log-every", "1",
                 "--eval-every", "1000", "--optimizer", "sgd", "--lr", "0.5", "--run-dir", self.path(dir)]
            }
            XCTAssertEqual(try recur(args("\(task)-single")).status, 0)
            let outcome = try mpi([["-np", "2"] + args("\(task)-parallel") + ["--distributed"]])
            XCTAssertEqual(outcome.status, 0, outcome.output)
            try assertSameTraining(work.appendingPathComponent("\(task)-single"), work.appendingPathComponent("\(task)-parallel"))
        }
    }

    /// Generated tasks train on their shard too: each rank takes its rows of the step's global
    /// batch, so 2 ranks ≡ 1 process (SGD, so that rounding in near-zero gradients is not
    /// amplified into lr-sized Adam steps), and each rank counts only its own rows.
    func testAddingAndCopyTrainOnTheirShard() throws {
        for (task, options) in [("adding", ["--length", "8", "--test-size", "8"]),
                                ("copy", ["--length", "4", "--symbols", "2", "--alphabet", "3", "--test-size", "8"])] {
            let args = { (dir: String) in
                ["run", task, "--hidden", "8", "--batch", "4", "--steps", "6", "--log-every", "1", "--eval-every", "1000",
                 "--optimizer", "sgd", "--lr", "0.1", "--run-dir", self.path(dir)] + options
            }
            XCTAssertEqual(try recur(args("\(task)-single")).status, 0)
            let outcome = try mpi([["-np", "2"] + args("\(task)-parallel") + ["--distributed"]])
            XCTAssertEqual(outcome.status, 0, outcome.output)
            XCTAssertTrue(outcome.output.contains("data-parallel over 2 ranks, 2 rows each"), outcome.output)
            try assertSameTraining(work.appendingPathComponent("\(task)-single"), work.appendingPathComponent("\(task)-parallel"))
            // Items are summed over ranks: 6 steps × 4 sequences, not 6 × 4 per rank.
            let items = try ["single", "parallel"].map { which in
                try Checkpoint.decode(Data(contentsOf: work.appendingPathComponent("\(task)-\(which)/checkpoint.safetensors")), source: which)
                    .position.items
            }
            XCTAssertEqual(items, [24, 24], task)
        }
    }

    /// A checkpoint written by 2 ranks resumes in 1 process exactly as if it had never stopped.
    func testTwoRankCheckpointResumesOnOneRank() throws {
        let data = try corpus(characters: 1500)
        let straight = work.appendingPathComponent("straight"), split = work.appendingPathComponent("split")
        XCTAssertEqual(try recur(trainArgs(straight, data: data, steps: 16)).status, 0)
        let outcome = try mpi([["-np", "2"] + trainArgs(split, data: data, steps: 8, extra: ["--distributed"])])
        XCTAssertEqual(outcome.status, 0, outcome.output)
        let resumed = try recur(["resume", split.path, "--steps", "16"])
        XCTAssertEqual(resumed.status, 0, "\(resumed)")
        try assertSameTraining(straight, split)
    }

    /// One rank cannot read its data: it says so, naming its rank, and the job ends promptly.
    func testARankWhoseDataFailsStopsTheJob() throws {
        let data = try corpus(characters: 1500)
        let run = work.appendingPathComponent("faulty")
        let missing = work.appendingPathComponent("missing.txt")
        let outcome = try mpi([["-np", "1"] + trainArgs(run, data: data, steps: 100000, extra: ["--distributed"]),
                               ["-np", "1"] + trainArgs(run, data: missing, steps: 100000, extra: ["--distributed"])], timeout: 90)
        XCTAssertNotEqual(outcome.status, 0, outcome.output)
        XCTAssertLessThan(outcome.seconds, 60, outcome.output)
        XCTAssertTrue(outcome.output.contains("recur (rank 1 of 2): \(missing.path): no such file"), outcome.output)
    }

    /// Ranks whose data differ build different vocabularies and so different models; summing
    /// their gradient buffers corrupted the heap. The job stops first, naming the rank.
    func testRanksWhoseModelsDifferAreStoppedBeforeTheFirstStep() throws {
        let data = try corpus(characters: 1500)
        let other = try write("other.txt", Self.englishText(characters: 1500) + "0123456789 XYZ\n")
        let run = work.appendingPathComponent("mismatch")
        let outcome = try mpi([["-np", "1"] + trainArgs(run, data: data, steps: 5, extra: ["--distributed"]),
                               ["-np", "1"] + trainArgs(run, data: other, steps: 5, extra: ["--distributed"])], timeout: 90)
        XCTAssertNotEqual(outcome.status, 0, outcome.output)
        XCTAssertTrue(outcome.output.contains("rank 1 built a model that differs from rank 0's (parameter names or shapes, vocabulary or other task files)"), outcome.output)
        XCTAssertFalse(outcome.output.contains("free()") || outcome.output.contains("Fatal error"), outcome.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.appendingPathComponent("checkpoint.safetensors").path))
    }

    /// A rank killed mid-training (kill -9): the others do not hang; mpirun ends the job.
    func testAKilledRankEndsTheJob() throws {
        let data = try corpus(characters: 1500)
        let run = work.appendingPathComponent("killed")
        // The victim differs only in --log-every (which only rank 0 uses), so pkill can find it.
        let marker = "--log-every=7"
        let started = Date()
        let killer = Thread {
            while Date().timeIntervalSince(started) < 60 {
                if FileManager.default.fileExists(atPath: run.appendingPathComponent("log.jsonl").path) { break }
                usleep(50_000)
            }
            for pid in Self.recurProcesses(containing: marker) { kill(pid, SIGKILL) }
        }
        killer.start()
        let outcome = try mpi([["-np", "1"] + trainArgs(run, data: data, steps: 100000, extra: ["--distributed"]),
                               ["-np", "1"] + trainArgs(run, data: data, steps: 100000, extra: ["--distributed", marker])],
                              timeout: 90)
        XCTAssertNotEqual(outcome.status, 0, outcome.output)
        XCTAssertLessThan(outcome.seconds, 75, "the surviving rank must not hang: \(outcome.output)")
        usleep(500_000)
        XCTAssertEqual(Self.recurProcesses(containing: run.path), [], "a rank outlived the job")
    }

    /// Pids of `recur` processes (not mpirun) whose arguments include `fragment`.
    static func recurProcesses(containing fragment: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry),
                  let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let argv = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard let first = argv.first, first.hasSuffix("/recur"), argv.contains(where: { $0.contains(fragment) }) else { return nil }
            return pid
        }
    }

    /// Without mpirun, --distributed is a group of one and trains as usual.
    /// `recur arena --distributed`: the ranks share the jobs and rank 0 records them, in job
    /// order, so the results equal those of one process.
    func testArenaOnTwoRanksWritesTheSameResults() throws {
        let args = ["arena", "--cells", "rnn,gru", "--tasks", "adding", "--seeds", "2", "--steps", "4", "--hidden", "6",
                    "--task-option", "adding.length=6", "--task-option", "adding.test-size=8"]
        XCTAssertEqual(try recur(args + ["--out", path("one")]).status, 0)
        let outcome = try mpi([["-np", "2"] + args + ["--out", path("two"), "--distributed"]])
        XCTAssertEqual(outcome.status, 0, outcome.output)
        let one = try String(contentsOf: work.appendingPathComponent("one/results.jsonl"), encoding: .utf8)
        let two = try String(contentsOf: work.appendingPathComponent("two/results.jsonl"), encoding: .utf8)
        XCTAssertEqual(one.split(separator: "\n").count, 4)
        XCTAssertEqual(one, two)
    }

    func testDistributedWithoutMpirunIsOneRank() throws {
        let data = try corpus(characters: 1500)
        let run = work.appendingPathComponent("alone")
        let result = try recur(trainArgs(run, data: data, steps: 3, extra: ["--distributed"]))
        XCTAssertEqual(result.status, 0, "\(result)")
        XCTAssertTrue(result.stdout.contains("data-parallel over 1 ranks"), "\(result)")
    }
}
