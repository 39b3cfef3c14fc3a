import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A user's folder of PNG images and the TSV files that name them, as the captioning, VQA and
/// clip readers see it: every name is a path relative to the folder, and every image is read
/// once and resized (``Image/resized(height:width:)``) to the size the task asked for.
///
/// The folder may be a stranger's download, so a name must stay inside it: an absolute path or
/// a `..` component is refused, and so is a name that leads out of the folder through a
/// symbolic link (a link to another file inside the folder is fine). Every refusal names the
/// TSV file and line.
struct ImageFolder {
    let root: URL
    let height: Int
    let width: Int
    private let realRoot: String
    /// The images named so far, in order of first mention, at the requested size.
    private(set) var names: [String] = []
    private(set) var images: [Image] = []
    /// Keyed by real path, so `a.png` and `./a.png` are one image.
    private var indexByPath: [String: Int] = [:]

    init(_ root: URL, height: Int, width: Int) throws {
        precondition(height > 0 && width > 0, "ImageFolder: size \(height) × \(width) must be positive")
        guard RegularFile.kind(of: root.path) != .missing, let real = Self.realPath(root.path) else {
            throw DataFileError(file: root.path, "no such folder")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataFileError(file: root.path, "is a file; image data is a folder of PNG files with its TSV files")
        }
        self.root = root
        self.height = height
        self.width = width
        realRoot = real
    }

    /// The folder's TSV file `name`, which must exist; `layout` tells what it should hold.
    func table(_ name: String, layout: String) throws -> URL {
        guard let url = try optionalTable(name) else {
            throw DataFileError(file: root.path, "no \(name) in the folder; it should hold lines \(layout)")
        }
        return url
    }

    /// The folder's TSV file `name`, nil when there is none; like an image it may not be a
    /// link leading out of the folder.
    func optionalTable(_ name: String) throws -> URL? {
        let url = root.appendingPathComponent(name)
        guard RegularFile.kind(of: url.path) != .missing else { return nil }
        if let real = Self.realPath(url.path), !real.hasPrefix(realRoot + "/") {
            throw DataFileError(file: url.path, "leads out of \(root.path) through a symbolic link (to \(real)); only files inside the folder are read")
        }
        return url
    }

    /// Index into ``images`` of the image `name` (mentioned at `place`, `file:line`), reading it the first time.
    mutating func index(of name: String, at place: String) throws -> Int {
        let path = try resolve(name, at: place, what: "image")
        if let index = indexByPath[path] { return index }
        let image = try load(name, at: place).resized(height: height, width: width)
        indexByPath[path] = names.count
        names.append(name)
        images.append(image)
        return names.count - 1
    }

    /// The image `name` at its size in the file; a PNG that cannot be read is reported at
    /// `place` with libpng's reason.
    func read(_ name: String, at place: String) throws -> Image {
        _ = try resolve(name, at: place, what: "image")
        return try load(name, at: place)
    }

    private func load(_ name: String, at place: String) throws -> Image {
        do {
            return try Image.readPNG(root.appendingPathComponent(name))
        } catch let error as DataFileError {
            throw DataFileError(file: place, "\(error)")
        }
    }

    /// The real path of `name` inside the folder, or why it cannot be used; `what` (`image`,
    /// `clip`) is what the name stands for in the message.
    func resolve(_ name: String, at place: String, what: String) throws -> String {
        guard !name.isEmpty else { throw DataFileError(file: place, "the \(what) name (first column) is empty") }
        guard !name.hasPrefix("/") else {
            throw DataFileError(file: place, "\(what) '\(name)' is an absolute path; name it relative to \(root.path)")
        }
        guard !name.split(separator: "/").contains("..") else {
            throw DataFileError(file: place, "\(what) '\(name)' contains '..'; \(what)s must be inside \(root.path)")
        }
        guard let real = Self.realPath(root.appendingPathComponent(name).path) else {
            throw DataFileError(file: place, "unknown \(what) '\(name)': no such file in \(root.path)")
        }
        guard real.hasPrefix(realRoot + "/") else {
            throw DataFileError(file: place, "\(what) '\(name)' leads out of \(root.path) through a symbolic link (to \(real)); only files inside the folder are read")
        }
        return real
    }

    /// `realpath(3)`: every link and `.` resolved; nil when the path does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
