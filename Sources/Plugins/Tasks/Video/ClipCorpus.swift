import Foundation
import RecurKit

/// Clips with captions and frame labels; generated clips are rendered when a batch needs them.
struct ClipSet {
    let name: String
    let names: [String]
    let captions: [[[String]]]
    let frameLabels: [[String]]
    let frames: @Sendable (Int) -> [Image]

    var count: Int { captions.count }
}

/// The video data: training clips and the sets evaluation reports (`val`; for generated clips
/// also `heldout`, where the moving object is a colour–shape pair training never shows).
struct ClipCorpus {
    let train: ClipSet
    let evaluation: [ClipSet]

    static func load(config: RunConfig, options: VideoOptions) throws -> ClipCorpus {
        let size = options.imageSize
        if let data = config.data {
            let all = try Clip.readFolder(URL(fileURLWithPath: data), height: size, width: size)
            let valid = try options.valid.isEmpty ? nil : Clip.readFolder(URL(fileURLWithPath: options.valid), height: size, width: size)
            let held = valid == nil ? Set(stride(from: 9, to: all.count, by: 10)) : []
            let train = all.indices.filter { !held.contains($0) }.map { all[$0] }
            guard !train.isEmpty else { throw DataFileError(file: data, "no training clips (a folder of one clip keeps it for validation)") }
            if options.perFrame, let unlabelled = (train + (valid ?? [])).first(where: { $0.frameLabels.isEmpty }) {
                throw DataFileError(file: data, "--per-frame needs frame_labels.tsv with a line for every clip (clip '\(unlabelled.name)' has none)")
            }
            return ClipCorpus(train: set("train", train), evaluation: [set("val", valid ?? held.sorted().map { all[$0] })])
        }
        let world = ShapesWorld(seed: UInt64(options.worldSeed), imageSize: size)
        return ClipCorpus(train: generated(world, .train, options.clips, options.frames, "train"),
                          evaluation: [generated(world, .validation, options.validClips, options.frames, "val"),
                                       generated(world, .heldout, options.validClips, options.frames, "heldout")])
    }

    static func set(_ name: String, _ clips: [Clip]) -> ClipSet {
        ClipSet(name: name, names: clips.map(\.name), captions: clips.map { $0.captions.map(words) },
                frameLabels: clips.map(\.frameLabels), frames: { clips[$0].frames })
    }

    static func generated(_ world: ShapesWorld, _ split: ShapesWorld.Split, _ count: Int, _ frames: Int, _ name: String) -> ClipSet {
        let plans = world.clipPlans(split, count: count, frames: frames), size = world.imageSize
        return ClipSet(name: name, names: plans.indices.map { ShapesWorld.name(split, $0) },
                       captions: plans.map { $0.captions.map(words) }, frameLabels: plans.map(\.frameLabels),
                       frames: { plans[$0].render(size: size) })
    }

    static func words(_ caption: String) -> [String] { caption.split(separator: " ").map(String.init) }
}
