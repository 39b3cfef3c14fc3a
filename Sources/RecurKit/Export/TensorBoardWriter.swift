import Foundation

/// Writes a run's curves as a TensorBoard event file while it trains: one event per log line,
/// holding every numeric field of the line (except `step`) as a scalar tagged with its log.jsonl
/// name, at the line's step. `tensorboard --logdir` on the directory shows them.
///
/// Each writer makes a new file (`events.out.tfevents.<seconds>.<host>.<pid>.recur`) and never
/// appends to an old one: a resumed run adds a file, and TensorBoard reads a directory's files
/// in name (time) order. The file is made with the first event, so a command that fails before
/// training (a resume of a finished run) leaves none behind.
public final class TensorBoardWriter: RunLogListener, @unchecked Sendable {
    public let directory: URL
    /// The event file, once the first event has made it.
    public private(set) var file: URL?
    private var handle: FileHandle?
    /// Guards `file` and `handle`; the trainer logs from one thread, but nothing here relies on that.
    private let lock = NSLock()
    private let clock: @Sendable () -> Double

    /// Creates `directory` if needed and checks that files can be made there, so a wrong path
    /// fails before training rather than at the first log line. `clock` gives wall times
    /// (seconds since 1970); tests fix it.
    public init(directory: URL, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) throws {
        self.directory = directory
        self.clock = clock
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw RunError("--tensorboard \(directory.path): cannot create the directory (\(RegularFile.kind(of: directory.path) == .missing ? "check the parent's permissions" : "something else is in the way"))")
        }
        guard access(directory.path, W_OK) == 0 else {
            throw RunError("--tensorboard \(directory.path): \(RegularFile.describe(errno)); no event file can be written there")
        }
    }

    deinit { try? handle?.close() }

    public func logged(_ fields: [String: Double]) throws {
        guard let step = fields["step"], step >= 0, step <= 9.2e18 else { return }
        let scalars = fields.filter { $0.key != "step" }.sorted { $0.key < $1.key }.map { (tag: $0.key, value: Float($0.value)) }
        guard !scalars.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        let handle = try self.handle ?? startFile()
        try write(TensorBoardEvent(wallTime: clock(), step: Int64(step), content: .scalars(scalars)), to: handle)
    }

    /// Makes a new event file (never an existing one) and writes the version record first.
    private func startFile() throws -> FileHandle {
        let now = clock()
        let stem = "events.out.tfevents.\(Int(now)).\(ProcessInfo.processInfo.hostName).\(getpid())"
        for n in 1...1000 {
            let url = directory.appendingPathComponent(n == 1 ? "\(stem).recur" : "\(stem).\(n).recur")
            let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor < 0 {
                if errno == EEXIST { continue }
                throw RunError("--tensorboard \(directory.path): cannot make \(url.lastPathComponent) (\(RegularFile.describe(errno)))")
            }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            self.handle = handle
            file = url
            try write(TensorBoardEvent(wallTime: now, step: 0, content: .fileVersion("brain.Event:2")), to: handle)
            return handle
        }
        throw RunError("--tensorboard \(directory.path): no free event file name")
    }

    private func write(_ event: TensorBoardEvent, to handle: FileHandle) throws {
        do { try handle.write(contentsOf: TFRecord.frame(event.encoded)) } catch {
            throw RunError("\(file?.path ?? directory.path): cannot write a TensorBoard event (\(error.localizedDescription))")
        }
    }
}
