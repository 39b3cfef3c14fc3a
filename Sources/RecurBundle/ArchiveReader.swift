import CArchive
import Foundation

/// Reads every member of an archive into memory, refusing anything a bundle never contains:
/// links, devices, directories, absolute or `..` paths, nested paths, duplicate names, members
/// or totals over their limits, and truncated or damaged data. Nothing touches the disk.
enum ArchiveReader {
    static func read(_ data: Data, source: String, limits: ArchiveLimits) throws -> [String: Data] {
        func fail(_ message: String) -> BundleError { BundleError(source, message) }
        guard let archive = archive_read_new() else { throw fail("libarchive could not start") }
        defer { archive_read_free(archive) }
        archive_read_support_filter_all(archive)
        archive_read_support_format_tar(archive)
        return try data.withUnsafeBytes { buffer -> [String: Data] in
            guard archive_read_open_memory(archive, buffer.baseAddress, buffer.count) == ARCHIVE_OK else {
                throw fail("not a readable bundle archive: truncated, damaged or another format (\(String(cString: archive_error_string(archive))))")
            }
            var members: [String: Data] = [:]
            var total = 0
            var entry: OpaquePointer?
            while true {
                let status = archive_read_next_header(archive, &entry)
                if status == ARCHIVE_EOF { break }
                guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
                    throw fail("truncated or damaged archive (\(String(cString: archive_error_string(archive))))")
                }
                let name = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
                try checkName(name, fail: fail)
                if archive_entry_hardlink(entry) != nil { throw fail("member '\(name)' is a hard link; bundles hold regular files only") }
                if archive_entry_symlink(entry) != nil { throw fail("member '\(name)' is a symbolic link; bundles hold regular files only") }
                guard archive_entry_filetype(entry) == CA_IFREG else {
                    throw fail("member '\(name)' is not a regular file (type \(String(archive_entry_filetype(entry), radix: 8))); bundles hold regular files only")
                }
                guard members[name] == nil else { throw fail("member '\(name)' appears twice") }
                guard members.count < limits.count else { throw fail("more than \(limits.count) members") }
                let declared = Int(archive_entry_size(entry))
                guard declared <= limits.member else {
                    throw fail("member '\(name)' is \(declared) bytes, over the \(limits.member)-byte limit per member")
                }
                var content = Data()
                var chunk = [UInt8](repeating: 0, count: 1 << 16)
                while true {
                    let n = chunk.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
                    if n == 0 { break }
                    guard n > 0 else { throw fail("truncated or damaged archive in member '\(name)' (\(String(cString: archive_error_string(archive))))") }
                    content.append(contentsOf: chunk[0..<n])
                    total += n
                    guard content.count <= limits.member else { throw fail("member '\(name)' expands past the \(limits.member)-byte limit per member") }
                    guard total <= limits.total else { throw fail("members expand past the \(limits.total)-byte limit in total (a decompression bomb?)") }
                }
                guard content.count == declared else { throw fail("member '\(name)' is truncated (\(content.count) of \(declared) bytes)") }
                members[name] = content
            }
            return members
        }
    }

    /// Bundles are flat: a member name is one plain file name.
    static func checkName(_ name: String, fail: (String) -> BundleError) throws {
        if name.isEmpty { throw fail("a member has an empty name") }
        if name.hasPrefix("/") { throw fail("member '\(name)' has an absolute path") }
        if name.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            throw fail("member '\(name)' climbs out of the bundle with '..'")
        }
        if name.contains("/") || name.hasPrefix(".") || name.contains("\0") {
            throw fail("member '\(name)' is not a plain file name; bundles are flat")
        }
    }
}
