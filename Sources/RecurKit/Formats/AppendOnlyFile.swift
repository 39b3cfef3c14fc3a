import Foundation

/// Appends lines to a file (log.jsonl, an arena's results.jsonl), creating it on first use.
public enum AppendOnlyFile {
    /// Writes `data` at the end of `url`, or makes `url` hold it when there is no such file.
    public static func append(_ data: Data, to url: URL) throws {
        if let handle = try? FileHandle(forWritingTo: url) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: data)
        } else {
            try data.write(to: url)
        }
    }
}
