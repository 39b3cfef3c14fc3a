import Foundation

/// Writes a run's curves as a TensorBoard event file while it trains: one event per log line,
/// holding every numeric field of the line (except `step`) as a scalar tagged with its log.jsonl
/// name, at the line's step. `tensorboard --logdir DIR` shows them.
///
/// Each writer makes a new file (`events.out.tfevents.<seconds>.<host>.<pid>.recur`) and never
/// appends to an old one: a resumed run adds a file, and TensorBoard reads a directory's files
/// in name (time) order.
public final class TensorBoardWriter: RunLogListener, @unchecked Sendable {
    public let file: URL
    private let handle: FileHandle
    /// Guards `handle`; the trainer logs from one thread, but nothing here relies on that.
    private let lock = NSLock()
    private let clock: @Sendable () -> Double

    /// Creates `directory` if needed and starts a new event file there with its version record.
    /// `clock` gives wall times (seconds since 1970); tests fix it.
    public init(directory: URL, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) throws {
        self.clock = clock
        let fm = FileManager.default
        do { try fm.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw RunError("--tensorboard \(directory.path): cannot create the directory (\(RegularFile.kind(of: directory.path) == .missing ? "check the parent's permissions" : "something else is in the way"))")
        }
        let now = clock()
        var name = "events.out.tfevents.\(Int(now)).\(ProcessInfo.processInfo.hostName).\(getpid()).recur"
        var url = directory.appendingPathComponent(name)
        var n = 1
        while fm.fileExists(atPath: url.path) {
            n += 1
            name = "events.out.tfevents.\(Int(now)).\(ProcessInfo.processInfo.hostName).\(getpid()).\(n).recur"
            url = directory.appendingPathComponent(name)
        }
        guard fm.createFile(atPath: url.path, contents: nil), let handle = try? FileHandle(forWritingTo: url) else {
            throw RunError("--tensorboard \(directory.path): cannot write \(name) there")
        }
        file = url
        self.handle = handle
        try write(TensorBoardEvent(wallTime: now, step: 0, content: .fileVersion("brain.Event:2")))
    }

    deinit { try? handle.close() }

    public func logged(_ fields: [String: Double]) throws {
        guard let step = fields["step"], step >= 0, step <= 9.2e18 else { return }
        let scalars = fields.filter { $0.key != "step" }.sorted { $0.key < $1.key }.map { (tag: $0.key, value: Float($0.value)) }
        guard !scalars.isEmpty else { return }
        try write(TensorBoardEvent(wallTime: clock(), step: Int64(step), content: .scalars(scalars)))
    }

    private func write(_ event: TensorBoardEvent) throws {
        lock.lock()
        defer { lock.unlock() }
        do { try handle.write(contentsOf: TFRecord.frame(event.encoded)) } catch {
            throw RunError("\(file.path): cannot write a TensorBoard event (\(error.localizedDescription))")
        }
    }
}
