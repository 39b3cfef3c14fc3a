import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads files that must be plain files — a run's checkpoint, config and artifacts, a bundle —
/// without following a symbolic link and without blocking on a FIFO, and reports failures as one
/// line naming the path and the cause instead of a Foundation error.
public enum RegularFile {
    /// What a path is, as `lstat` sees it (a link is not followed).
    public enum Kind: Equatable, Sendable {
        case missing, regular, directory, symbolicLink, fifo, socket, device
    }

    public static func kind(of path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symbolicLink
        case S_IFIFO: return .fifo
        case S_IFSOCK: return .socket
        default: return .device
        }
    }

    /// Why `kind` cannot be read as a file, in words (`nil` for a regular file).
    static func refusal(_ kind: Kind) -> String? {
        switch kind {
        case .regular: nil
        case .missing: "no such file"
        case .directory: "is a directory, not a file"
        case .symbolicLink: "is a symbolic link; only regular files are read here, never through a link"
        case .fifo: "is a FIFO, not a regular file"
        case .socket: "is a socket, not a regular file"
        case .device: "is a device, not a regular file"
        }
    }

    /// The contents of the regular file at `url`, refusing links (unless `followingLinks`: a
    /// user's own data file may well be one), FIFOs, devices, directories and files over `limit` bytes.
    public static func read(_ url: URL, limit: Int = Int.max, followingLinks: Bool = false) throws -> Data {
        let path = url.path
        // O_NOFOLLOW refuses a link in the last component; O_NONBLOCK keeps a FIFO from hanging
        // the open before fstat can say what it is.
        let fd = open(path, O_RDONLY | (followingLinks ? 0 : O_NOFOLLOW) | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP { throw RunError("\(path): \(refusal(.symbolicLink)!)") }
            throw RunError("\(path): \(code == ENOENT ? "no such file" : describe(code))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw RunError("\(path): \(describe(errno))") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            let kind: Kind = switch info.st_mode & S_IFMT {
            case S_IFDIR: .directory
            case S_IFIFO: .fifo
            case S_IFSOCK: .socket
            default: .device
            }
            throw RunError("\(path): \(refusal(kind)!)")
        }
        let size = Int(info.st_size)
        guard size <= limit else { throw RunError("\(path): \(size) bytes is over the \(limit)-byte limit for this file") }
        var data = Data(count: size)
        var filled = 0
        while filled < size {
            let n = data.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, size - filled) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw RunError("\(path): \(describe(errno)) while reading") }
            if n == 0 { break }
            filled += n
        }
        // A file that shrank while being read is what was there; one that grew is read up to its size at open.
        if filled < size { data.removeSubrange(filled..<size) }
        return data
    }

    /// An errno in words, lower-case as it goes after a path ("no space left on device").
    public static func describe(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
