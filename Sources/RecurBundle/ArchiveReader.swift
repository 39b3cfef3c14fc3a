import CArchive
import Foundation

/// Reads every member of an archive into memory, refusing anything a bundle never contains:
/// links, devices, directories, absolute or `..` paths, nested paths, duplicate names, members
/// the manifest does not list or lists with another size, sizes over the limits, and truncated
/// or damaged data. Nothing touches the disk.
///
/// `manifest.json` must come first (as `ArchiveWriter` writes it). Its member sizes are checked
/// against the limits before any other member is read, and each member's header must declare
/// exactly its listed size, so memory never grows past what the limits allow: a bomb is refused
/// from its headers, before it expands.
enum ArchiveReader {
    static let manifestName = "manifest.json"

    static func read(_ data: Data, source: String, limits: ArchiveLimits) throws -> [String: Data] {
        func fail(_ message: String) -> BundleError { BundleError(source, message) }
        guard let archive = archive_read_new() else { throw fail("libarchive could not start") }
        defer { archive_read_free(archive) }
        archive_read_support_filter_all(archive)
        archive_read_support_format_tar(archive)
        let allowed = limits.expandedLimit(forBundleOf: data.count)
        return try data.withUnsafeBytes { buffer -> [String: Data] in
            guard archive_read_open_memory(archive, buffer.baseAddress, buffer.count) == ARCHIVE_OK else {
                throw fail("not a readable bundle archive: truncated, damaged or another format (\(String(cString: archive_error_string(archive))))")
            }
            var members: [String: Data] = [:]
            /// Sizes the manifest lists, once it has been read.
            var listed: [String: Int]?
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
                guard declared >= 0 else { throw fail("member '\(name)' declares a negative size") }
                let expected: Int
                if let listed {
                    guard let size = listed[name] else { throw fail("member '\(name)' is not listed in the manifest") }
                    guard declared == size else { throw fail("member '\(name)' is \(declared) bytes, the manifest says \(size)") }
                    expected = size
                } else {
                    guard name == manifestName else {
                        throw fail(name == "" ? "a member has an empty name" : "the first member is '\(name)', not \(manifestName); not a Recur bundle, or one written by something else")
                    }
                    guard declared <= limits.manifest else {
                        throw fail("\(manifestName) is \(declared) bytes, over the \(limits.manifest)-byte limit for a manifest")
                    }
                    expected = declared
                }
                let content = try readData(archive, name: name, count: expected, fail: fail)
                if listed == nil {
                    listed = try memberSizes(content, limits: limits, allowed: allowed, bundleSize: data.count, fail: fail)
                }
                members[name] = content
            }
            return members
        }
    }

    /// Exactly `count` bytes of the current member, into a buffer allocated once.
    static func readData(_ archive: OpaquePointer, name: String, count: Int, fail: (String) -> BundleError) throws -> Data {
        var content = Data(count: count)
        var filled = 0
        while filled < count {
            let n = content.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress! + filled, count - filled) }
            if n == 0 { break }
            guard n > 0 else { throw fail("truncated or damaged archive in member '\(name)' (\(String(cString: archive_error_string(archive))))") }
            filled += n
        }
        guard filled == count else { throw fail("member '\(name)' is truncated (\(filled) of \(count) bytes)") }
        var probe: UInt8 = 0
        guard archive_read_data(archive, &probe, 1) == 0 else { throw fail("member '\(name)' holds more than its \(count) declared bytes") }
        return content
    }

    /// The sizes `manifest.json` lists, refused when one or all of them exceed the limits.
    /// (The manifest is fully decoded, and every checksum checked, once all members are read.)
    static func memberSizes(_ manifest: Data, limits: ArchiveLimits, allowed: Int, bundleSize: Int,
                            fail: (String) -> BundleError) throws -> [String: Int] {
        guard let object = try? JSONSerialization.jsonObject(with: manifest) as? [String: Any] else {
            throw fail("\(manifestName) is not a JSON object")
        }
        guard let members = object["members"] as? [String: Any] else { throw fail("\(manifestName) has no members map") }
        var sizes: [String: Int] = [:]
        var total = manifest.count
        for name in members.keys.sorted() {
            guard let entry = members[name] as? [String: Any], let number = entry["size"] as? NSNumber,
                  let size = Int(exactly: number.doubleValue), size >= 0 else {
                throw fail("\(manifestName) lists member '\(name)' without a whole, non-negative size")
            }
            guard size <= limits.member else {
                throw fail("member '\(name)' is \(size) bytes, over the \(limits.member)-byte limit per member")
            }
            let (sum, overflow) = total.addingReportingOverflow(size)
            guard !overflow, sum <= allowed else {
                throw fail("members would expand to more than \(allowed) bytes from a \(bundleSize)-byte bundle (a decompression bomb?)")
            }
            total = sum
            sizes[name] = size
        }
        return sizes
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
