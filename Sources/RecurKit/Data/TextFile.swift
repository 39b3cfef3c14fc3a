import CArchive
import Foundation

/// A data file that cannot be used, with the file and the place in it.
public struct DataFileError: Error, CustomStringConvertible {
    public let file: String
    public let message: String
    public init(file: String, _ message: String) { self.file = file; self.message = message }
    public var description: String { "\(file): \(message)" }
}

/// Reading text data: plain files, or gzip/xz/zstd/bz2-compressed ones (through libarchive's
/// raw format, so `/usr/share/doc/*/…txt.gz` corpora work as they are installed).
public enum TextFile {
    /// The bytes of `url`, decompressed when it is compressed.
    public static func bytes(_ url: URL) throws -> [UInt8] {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataFileError(file: path, "no such file")
        }
        guard !isDirectory.boolValue else { throw DataFileError(file: path, "is a directory, not a text file") }
        let raw: [UInt8]
        do { raw = [UInt8](try RegularFile.read(url, followingLinks: true)) } catch let error as RunError {
            throw DataFileError(file: path, String(error.message.dropFirst(path.count + 2)))
        }
        guard isCompressed(raw) else { return withoutByteOrderMark(raw) }
        return withoutByteOrderMark(try decompress(raw, file: path))
    }

    /// `bytes` without a leading UTF-8 byte-order mark, which some editors write at the start of
    /// a file: it is not text (a TSV's first label would otherwise begin with U+FEFF).
    public static func withoutByteOrderMark(_ bytes: [UInt8]) -> [UInt8] {
        bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
    }

    /// The whole text of `url` as Unicode scalars, kept as `rules` say (``TextRules``: `.text`
    /// drops a leading byte-order mark and the `\r` of each `\r\n`); an invalid UTF-8 sequence is
    /// reported with its byte offset and line number. An empty file is an error too: nothing can
    /// be learned from it.
    public static func scalars(_ url: URL, rules: TextRules = .text) throws -> [Unicode.Scalar] {
        let data = try bytes(url)
        guard !data.isEmpty else { throw DataFileError(file: url.path, "the file is empty") }
        let scalars = try decodeUTF8(data, file: url.path)
        guard rules == .text else { return scalars }
        let body = scalars.first == "\u{FEFF}" ? scalars.dropFirst() : scalars[...]
        var kept: [Unicode.Scalar] = []
        kept.reserveCapacity(body.count)
        for i in body.indices where !(body[i] == "\r" && (i + 1 == body.endIndex || body[i + 1] == "\n")) {
            kept.append(body[i])
        }
        return kept
    }

    public static func decodeUTF8(_ data: [UInt8], file: String) throws -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(data.count)
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = data.makeIterator()
        var offset = 0, line = 1
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                if scalar == "\n" { line += 1 }
                scalars.append(scalar)
                offset += encoded.count
            case .error(let length):
                let bytes = data[offset..<min(offset + max(length, 1), data.count)].map { String(format: "0x%02X", $0) }
                throw DataFileError(file: file, "invalid UTF-8 at byte offset \(offset) (line \(line)): bytes \(bytes.joined(separator: " "))")
            case .emptyInput:
                return scalars
            }
        }
    }

    static func isCompressed(_ b: [UInt8]) -> Bool {
        b.starts(with: [0x1F, 0x8B]) || b.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A]) ||
            b.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) || b.starts(with: [0x42, 0x5A, 0x68])
    }

    static func decompress(_ raw: [UInt8], file: String) throws -> [UInt8] {
        guard let archive = archive_read_new() else { throw DataFileError(file: file, "libarchive could not start") }
        defer { archive_read_free(archive) }
        archive_read_support_filter_all(archive)
        archive_read_support_format_raw(archive)
        return try raw.withUnsafeBytes { buffer -> [UInt8] in
            guard archive_read_open_memory(archive, buffer.baseAddress, buffer.count) == ARCHIVE_OK else {
                throw DataFileError(file: file, "cannot be decompressed: \(String(cString: archive_error_string(archive)))")
            }
            var entry: OpaquePointer?
            guard archive_read_next_header(archive, &entry) == ARCHIVE_OK else {
                throw DataFileError(file: file, "cannot be decompressed: \(String(cString: archive_error_string(archive)))")
            }
            var out: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
                if n == 0 { break }
                guard n > 0 else { throw DataFileError(file: file, "is damaged: \(String(cString: archive_error_string(archive)))") }
                out.append(contentsOf: chunk[0..<n])
            }
            return out
        }
    }
}
