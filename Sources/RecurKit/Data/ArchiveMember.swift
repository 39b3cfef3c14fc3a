import CArchive
import Foundation

extension TextFile {
    /// The bytes of one regular member of an archive (zip, tar, …), read in memory with
    /// libarchive, so a data set can be used as it was downloaded (`fra-eng.zip` → `fra.txt`).
    /// A missing member is an error that lists the members there are.
    public static func archiveMember(_ url: URL, named name: String) throws -> [UInt8] {
        var found: [UInt8]?
        let names = try readArchive(url) { member, read in
            guard member == name else { return false }
            found = try read()
            return true
        }
        guard let found else {
            throw DataFileError(file: url.path, "has no member '\(name)'; its members are: \(names.joined(separator: ", "))")
        }
        return withoutByteOrderMark(found)
    }

    /// Names of the regular members of an archive, in archive order.
    public static func archiveMemberNames(_ url: URL) throws -> [String] {
        try readArchive(url) { _, _ in false }
    }

    /// Walks the regular members; `visit` gets each name and a reader for its bytes and returns
    /// `true` to stop. Returns the names seen.
    private static func readArchive(_ url: URL, visit: (String, () throws -> [UInt8]) throws -> Bool) throws -> [String] {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else { throw DataFileError(file: path, "no such file") }
        guard let archive = archive_read_new() else { throw DataFileError(file: path, "libarchive could not start") }
        defer { archive_read_free(archive) }
        archive_read_support_filter_all(archive)
        archive_read_support_format_all(archive)
        func failure(_ what: String) -> DataFileError {
            DataFileError(file: path, "\(what): \(archive_error_string(archive).map { String(cString: $0) } ?? "unknown libarchive error")")
        }
        guard archive_read_open_filename(archive, path, 1 << 16) == ARCHIVE_OK else { throw failure("is not a readable archive") }
        var names: [String] = []
        var entry: OpaquePointer?
        while true {
            let status = archive_read_next_header(archive, &entry)
            if status == ARCHIVE_EOF { return names }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN else { throw failure("is damaged") }
            guard archive_entry_filetype(entry) == CA_IFREG, let cName = archive_entry_pathname(entry) else { continue }
            let name = String(cString: cName)
            names.append(name)
            let stop = try visit(name) {
                var out: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 1 << 16)
                while true {
                    let n = chunk.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
                    if n == 0 { return out }
                    guard n > 0 else { throw failure("member '\(name)' is damaged") }
                    out.append(contentsOf: chunk[0..<n])
                }
            }
            if stop { return names }
        }
    }
}
