import Foundation

extension Clip {
    /// The clips of a user's folder:
    ///
    /// ```
    /// clips.tsv           clip<TAB>caption           (a clip on as many lines as it has captions)
    /// frame_labels.tsv    clip<TAB>label label …     (optional; one label per frame)
    /// walk-1/0001.png     one subfolder per clip, frames numbered in time order
    /// walk-1/0002.png
    /// ```
    ///
    /// Clips come in order of first mention in `clips.tsv`; subfolders it does not name are not
    /// read. A clip's frames are its `.png` files whose names are numbers, in numeric order
    /// (`2.png` before `10.png`; gaps are allowed), all of one size in the files and resized to
    /// `[3, height, width]`. Captions are ``CaptionText/normalized(_:)``; frame labels are kept as
    /// written, and when `frame_labels.tsv` exists every clip needs exactly one line there (else
    /// ``frameLabels`` is empty). Every refusal names the file and line: a wrong column count, an
    /// empty caption, an unknown clip, a clip with no frames, a frame file that is not numbered,
    /// a frame that is not a readable PNG, frames of different sizes, a label count that is not
    /// the frame count.
    public static func readFolder(_ folder: URL, height: Int, width: Int) throws -> [Clip] {
        let images = try ImageFolder(folder, height: height, width: width)
        let layout = "clip<TAB>caption"
        var clips: [Clip] = []
        var indexByName: [String: Int] = [:]
        for row in try TabSeparatedRow.read(images.table("clips.tsv", layout: layout), columns: 2...2, layout: layout) {
            let name = row.fields[0], caption = CaptionText.normalized(row.fields[1])
            guard !caption.isEmpty else { throw DataFileError(file: row.place, "the caption of clip '\(name)' is empty") }
            if let index = indexByName[name] {
                clips[index].captions.append(caption)
                continue
            }
            indexByName[name] = clips.count
            clips.append(Clip(name: name, frames: try frames(of: name, in: images, at: row.place), captions: [caption], frameLabels: []))
        }
        if let labelsFile = try images.optionalTable("frame_labels.tsv") {
            try attachFrameLabels(labelsFile, to: &clips, indexByName: indexByName)
        }
        return clips
    }

    /// The numbered PNG frames of one clip's folder, in numeric order, resized to
    /// `[3, height, width]` (what `recur predict` reads for a video run); refusals as for
    /// ``readFolder(_:height:width:)``, naming the folder.
    public static func readFrames(_ folder: URL, height: Int, width: Int) throws -> [Image] {
        let standardized = folder.standardizedFileURL
        let images = try ImageFolder(standardized.deletingLastPathComponent(), height: height, width: width)
        return try frames(of: standardized.lastPathComponent, in: images, at: standardized.path)
    }

    /// The frames of clip `name` (its subfolder), in numeric order, at the requested size.
    private static func frames(of name: String, in images: ImageFolder, at place: String) throws -> [Image] {
        let folder = try images.resolve(name, at: place, what: "clip")
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw DataFileError(file: place, "clip '\(name)' is not a folder of frames (\(images.root.appendingPathComponent(name).path))")
        }
        var numbered: [(number: Int, file: String)] = []
        for file in entries where !file.hasPrefix(".") && file.lowercased().hasSuffix(".png") {
            let stem = file.dropLast(4)
            guard !stem.isEmpty, stem.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(stem) else {
                throw DataFileError(file: place, "clip '\(name)': frame file \(file) is not numbered; name frames 0001.png, 0002.png, … in time order")
            }
            numbered.append((number, file))
        }
        numbered.sort { ($0.number, $0.file) < ($1.number, $1.file) }
        for (a, b) in zip(numbered, numbered.dropFirst()) where a.number == b.number {
            throw DataFileError(file: place, "clip '\(name)': \(a.file) and \(b.file) are both frame \(a.number)")
        }
        guard let first = numbered.first else {
            throw DataFileError(file: place, "clip '\(name)' has no frames; expected numbered PNG files (0001.png, 0002.png, …) in \(images.root.appendingPathComponent(name).path)")
        }
        var frames: [Image] = []
        var firstSize = (height: 0, width: 0)
        for (_, file) in numbered {
            let frame = try images.read("\(name)/\(file)", at: place)
            if frames.isEmpty { firstSize = (frame.height, frame.width) }
            guard (frame.height, frame.width) == firstSize else {
                throw DataFileError(file: place, "clip '\(name)': frame \(file) is \(frame.width) × \(frame.height) but \(first.file) is \(firstSize.width) × \(firstSize.height); all frames of a clip must be one size")
            }
            frames.append(frame.resized(height: images.height, width: images.width))
        }
        return frames
    }

    private static func attachFrameLabels(_ file: URL, to clips: inout [Clip], indexByName: [String: Int]) throws {
        var labelled = Set<String>()
        for row in try TabSeparatedRow.read(file, columns: 2...2, layout: "clip<TAB>label label … (one label per frame)") {
            let name = row.fields[0]
            guard let index = indexByName[name] else {
                throw DataFileError(file: row.place, "unknown clip '\(name)': clips.tsv has no line for it")
            }
            guard labelled.insert(name).inserted else {
                throw DataFileError(file: row.place, "clip '\(name)' already has its frame labels on an earlier line")
            }
            let labels = row.fields[1].split(whereSeparator: \.isWhitespace).map(String.init)
            let frameCount = clips[index].frames.count
            guard labels.count == frameCount else {
                throw DataFileError(file: row.place, "clip '\(name)' has \(frameCount) frame\(frameCount == 1 ? "" : "s") but \(labels.count) label\(labels.count == 1 ? "" : "s"); give one label per frame")
            }
            clips[index].frameLabels = labels
        }
        if let unlabelled = clips.first(where: { !labelled.contains($0.name) }) {
            throw DataFileError(file: file.path, "no line for clip '\(unlabelled.name)'; when frame_labels.tsv exists, every clip of clips.tsv needs its labels")
        }
    }
}
