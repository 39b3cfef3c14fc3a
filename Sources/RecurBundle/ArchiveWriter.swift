import CArchive
import Foundation

/// Writes a flat archive of named byte blobs: tar (pax) compressed with zstd when libarchive has
/// it (3x faster to write and 6x faster to read than gzip here, docs/engine-notes.md, "Bundles and libarchive"), else gzip.
/// The file appears atomically: written beside the target, fsynced, renamed.
enum ArchiveWriter {
    static func write(_ members: [(name: String, data: Data)], to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        defer { try? FileManager.default.removeItem(at: temporary) }
        guard let archive = archive_write_new() else { throw BundleError(url.path, "libarchive could not start") }
        defer { archive_write_free(archive) }
        if archive_write_add_filter_zstd(archive) != ARCHIVE_OK { archive_write_add_filter_gzip(archive) }
        archive_write_set_format_pax_restricted(archive)
        guard archive_write_open_filename(archive, temporary.path) == ARCHIVE_OK else {
            throw BundleError(url.path, "cannot write: \(String(cString: archive_error_string(archive)))")
        }
        let now = time(nil)
        for member in members {
            guard let entry = archive_entry_new() else { throw BundleError(url.path, "libarchive could not start") }
            defer { archive_entry_free(entry) }
            archive_entry_set_pathname(entry, member.name)
            archive_entry_set_size(entry, la_int64_t(member.data.count))
            archive_entry_set_filetype(entry, CA_IFREG)
            archive_entry_set_perm(entry, 0o644)
            archive_entry_set_mtime(entry, now, 0)
            guard archive_write_header(archive, entry) == ARCHIVE_OK else {
                throw BundleError(url.path, "cannot write \(member.name): \(String(cString: archive_error_string(archive)))")
            }
            let written = member.data.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
            guard written == member.data.count else {
                throw BundleError(url.path, "cannot write \(member.name): \(String(cString: archive_error_string(archive)))")
            }
        }
        guard archive_write_close(archive) == ARCHIVE_OK else {
            throw BundleError(url.path, "cannot finish: \(String(cString: archive_error_string(archive)))")
        }
        let handle = try FileHandle(forUpdating: temporary)
        try handle.synchronize()
        try handle.close()
        guard rename(temporary.path, url.path) == 0 else { throw BundleError(url.path, "cannot move the finished bundle into place") }
    }
}
