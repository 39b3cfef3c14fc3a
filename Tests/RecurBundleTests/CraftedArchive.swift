import CArchive
import Foundation

/// Writes tar archives with whatever entries a test wants, hostile ones included.
struct CraftedArchive {
    enum Kind { case file, symlink(String), hardlink(String), directory, characterDevice }

    struct Entry {
        var name: String
        var data = Data()
        var kind = Kind.file
        /// Header size when it should lie about the data.
        var declaredSize: Int?
    }

    var entries: [Entry] = []
    var zstd = true

    mutating func add(_ name: String, _ data: Data, kind: Kind = .file) { entries.append(Entry(name: name, data: data, kind: kind)) }

    func bytes() -> Data {
        let archive = archive_write_new()!
        defer { archive_write_free(archive) }
        if zstd { archive_write_add_filter_zstd(archive) } else { archive_write_add_filter_gzip(archive) }
        archive_write_set_format_pax_restricted(archive)
        // Compressed output is never much larger than the input; zero-filling a fixed 64 MB
        // per archive made the fuzz test spend most of its time here.
        var buffer = [UInt8](repeating: 0, count: entries.reduce(1 << 20) { $0 + $1.data.count + 1024 })
        var used = 0
        buffer.withUnsafeMutableBytes { raw in
            archive_write_open_memory(archive, raw.baseAddress, raw.count, &used)
            for e in entries {
                let entry = archive_entry_new()!
                archive_entry_set_pathname(entry, e.name)
                archive_entry_set_perm(entry, 0o644)
                switch e.kind {
                case .file: archive_entry_set_filetype(entry, CA_IFREG); archive_entry_set_size(entry, la_int64_t(e.declaredSize ?? e.data.count))
                case .symlink(let target): archive_entry_set_filetype(entry, 0o120000); archive_entry_set_symlink(entry, target)
                case .hardlink(let target): archive_entry_set_filetype(entry, CA_IFREG); archive_entry_set_hardlink(entry, target); archive_entry_set_size(entry, 0)
                case .directory: archive_entry_set_filetype(entry, CA_IFDIR)
                case .characterDevice: archive_entry_set_filetype(entry, 0o020000)
                }
                archive_write_header(archive, entry)
                if case .file = e.kind, !e.data.isEmpty { _ = e.data.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) } }
                archive_entry_free(entry)
            }
            archive_write_close(archive)
        }
        return Data(buffer[0..<used])
    }
}
