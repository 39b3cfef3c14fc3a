import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on a run directory, held while a process trains in it; released when
/// the process ends, however it ends (the kernel drops the lock with the descriptor).
public final class RunDirectoryLock {
    private let fd: Int32

    init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }
}

extension RunDirectory {
    /// The lock file; hidden, so it is never taken for an artifact.
    public var lockURL: URL { url.appendingPathComponent(".lock") }

    /// Takes the directory for this process, or refuses at once if another `recur run` or
    /// `resume` has it: two writers leave a config and a checkpoint that disagree. Keep the
    /// returned lock alive for as long as the run writes.
    public func lock() throws -> RunDirectoryLock {
        let fd = open(lockURL.path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunError("\(RegularFile.describe(errno)) opening \(lockURL.path)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK {
                throw RunError("\(url.path) is in use by another recur run or resume; wait for it to finish or choose another --run-dir")
            }
            throw RunError("\(RegularFile.describe(code)) locking \(lockURL.path)")
        }
        return RunDirectoryLock(fd: fd)
    }

    /// Removes the temporary files (`.NAME.tmp-PID`, `.NAME.importing-PID/`) that processes which
    /// no longer exist left in `directory` when they were killed mid-write.
    public static func removeStaleTemporaries(in directory: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix(".") {
            guard let dash = name.lastIndex(of: "-"),
                  name[..<dash].hasSuffix(".tmp") || name[..<dash].hasSuffix(".importing"),
                  let pid = Int32(name[name.index(after: dash)...]), pid > 0 else { continue }
            // kill(pid, 0) fails with ESRCH only when no such process exists.
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
            }
        }
    }

    /// Drops the log lines of steps after `step`: a process killed after logging but before
    /// its next checkpoint left them, and the resumed run logs those steps again.
    public func trimLog(after step: Int) throws {
        guard RegularFile.kind(of: logURL.path) == .regular else { return }
        let data = try RegularFile.read(logURL)
        var kept = Data()
        var dropped = false
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) where !line.isEmpty {
            let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            if let logged = (object?["step"] as? NSNumber)?.intValue, logged > step {
                dropped = true
                continue
            }
            kept.append(contentsOf: line)
            kept.append(0x0A)
        }
        if dropped { try AtomicFile.write(kept, to: logURL) }
    }

    /// The run's files as `create(overwrite: true)` replaces them: the bookkeeping and every
    /// artifact (so a label list or a confusion matrix of the old run cannot be exported with
    /// the new one), but not hidden files, bundles or folders.
    func removeRunFiles() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        for name in names where !name.hasPrefix(".") && !name.hasSuffix(".recur") {
            let file = url.appendingPathComponent(name)
            if RegularFile.kind(of: file.path) == .regular { try? FileManager.default.removeItem(at: file) }
        }
    }
}
