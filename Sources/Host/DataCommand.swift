import ArgumentParser
import Foundation
import RecurKit

/// `recur data`: data sets a person can look at before training on them.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Write generated data sets to disk, in the formats `--data` reads.",
        subcommands: [ShapesDataCommand.self])
}

/// `recur data shapes --out DIR`: the shapes world the image and video tasks train on by
/// default, as PNG files and TSVs (one folder per split: `train`, `val`, `heldout`).
struct ShapesDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shapes", abstract: "Write the generated shapes world (images, captions, questions, clips) as PNGs and TSVs.",
        discussion: """
        Each split folder (train, val, heldout — heldout holds the colour–shape pairs train and val never show) has \
        the captioned images (NAME.png, captions.tsv: image<TAB>caption), the question images (q-NAME.png, \
        questions.tsv: image<TAB>question<TAB>answer<TAB>type) and clips/ (one folder of numbered frames per clip, \
        clips.tsv: clip<TAB>caption, frame_labels.tsv: clip<TAB>one label per frame). So \
        `recur run captioning --data DIR/train --valid DIR/val`, `recur run vqa --data DIR/train --valid DIR/val` and \
        `recur run video-captioning --data DIR/train/clips --valid DIR/val/clips` train on what you see.
        """)

    @Option(help: "The folder to write (created; must be empty or absent).") var out: String
    @Option(help: "Captioned images, and as many question images, per split (validation splits get a tenth).") var images = 200
    @Option(help: "Clips in the training split (validation splits get a tenth).") var clips = 50
    @Option(help: "Frames per clip.") var frames = 8
    @Option(name: .customLong("image-size"), help: "Pixels a side.") var imageSize = 64
    @Option(parsing: .unconditional, help: "Seed of the world.") var seed: UInt64 = 0

    func validate() throws {
        guard images >= 1 && images <= 100_000 else { throw ValidationError("--images must be in 1…100000 (got \(images))") }
        guard clips >= 0 && clips <= 20_000 else { throw ValidationError("--clips must be in 0…20000 (got \(clips))") }
        guard frames >= 2 && frames <= 64 else { throw ValidationError("--frames must be in 2…64 (got \(frames))") }
        guard imageSize >= 8 && imageSize <= 512 else { throw ValidationError("--image-size must be in 8…512 (got \(imageSize))") }
    }

    func run() throws {
        try reportingErrors {
            let root = URL(fileURLWithPath: out)
            if let entries = try? FileManager.default.contentsOfDirectory(atPath: root.path), !entries.isEmpty {
                throw UserError("\(out) exists and is not empty; give a new folder")
            }
            let world = ShapesWorld(seed: seed, imageSize: imageSize)
            for split in ShapesWorld.Split.allCases {
                let share = split == .train ? 1 : 10
                let folder = root.appendingPathComponent(split.rawValue)
                try write(world, split, count: max(1, images / share), clips: clips == 0 ? 0 : max(1, clips / share), to: folder)
            }
            print("wrote \(out): train, val, heldout (\(images) captioned and \(images) question images, \(clips) clips in train)")
        }
    }

    func write(_ world: ShapesWorld, _ split: ShapesWorld.Split, count: Int, clips clipCount: Int, to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var captions = ""
        for item in world.captionedImages(split, count: count) {
            try item.image.writePNG(to: folder.appendingPathComponent("\(item.name).png"))
            for caption in item.captions { captions += "\(item.name).png\t\(caption)\n" }
        }
        try AtomicFile.write(Data(captions.utf8), to: folder.appendingPathComponent("captions.tsv"))
        let (images, questions) = world.questions(split, count: count)
        for item in images { try item.image.writePNG(to: folder.appendingPathComponent("q-\(item.name).png")) }
        let rows = questions.map { "q-\(images[$0.image].name).png\t\($0.question)\t\($0.answer)\t\($0.kind)\n" }
        try AtomicFile.write(Data(rows.joined().utf8), to: folder.appendingPathComponent("questions.tsv"))
        guard clipCount > 0 else { return }
        let clipFolder = folder.appendingPathComponent("clips")
        var clipRows = "", labelRows = ""
        for clip in world.clips(split, count: clipCount, frames: frames) {
            let frameFolder = clipFolder.appendingPathComponent(clip.name)
            try FileManager.default.createDirectory(at: frameFolder, withIntermediateDirectories: true)
            for (t, frame) in clip.frames.enumerated() {
                try frame.writePNG(to: frameFolder.appendingPathComponent(String(format: "%04d.png", t + 1)))
            }
            for caption in clip.captions { clipRows += "\(clip.name)\t\(caption)\n" }
            labelRows += "\(clip.name)\t\(clip.frameLabels.joined(separator: " "))\n"
        }
        try AtomicFile.write(Data(clipRows.utf8), to: clipFolder.appendingPathComponent("clips.tsv"))
        try AtomicFile.write(Data(labelRows.utf8), to: clipFolder.appendingPathComponent("frame_labels.tsv"))
    }
}
