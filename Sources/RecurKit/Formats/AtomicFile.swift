import Foundation

/// Writes files so that a reader (or a crash) sees either the old or the new content, never a
/// torn one: write a temporary file beside the target, flush it, then rename over the target.
public enum AtomicFile {
    /// Failures are one line naming the file and the cause ("no space left on device writing …").
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(errno, url) }
        var code: Int32 = 0
        data.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 { if errno == EINTR { continue }; code = errno; return }
                written += n
            }
        }
        if code == 0 && fsync(fd) != 0 { code = errno }
        if close(fd) != 0 && code == 0 { code = errno }
        guard code == 0 else {
            unlink(temporary.path)
            throw failure(code, url)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            unlink(temporary.path)
            throw failure(code, url)
        }
    }

    static func failure(_ code: Int32, _ url: URL) -> RunError {
        RunError("\(RegularFile.describe(code)) writing \(url.path)")
    }
}
