import Foundation
import RecurKit

/// A set of images with reference captions (words), whose pixels are made on demand: a
/// generated scene is rendered when a batch needs it, so twelve thousand training images cost
/// their scene descriptions, not 150 MB of floats.
struct CaptionSet {
    let name: String
    let names: [String]
    let references: [[[String]]]
    let image: @Sendable (Int) -> Image

    var count: Int { references.count }
}

/// The captioning data: a training set and the sets evaluation reports (`val`, and for the
/// shapes world `heldout`: scenes with colour–shape pairs training never shows).
struct CaptionCorpus {
    let train: CaptionSet
    let evaluation: [CaptionSet]

    static func load(config: RunConfig, options: CaptioningOptions) throws -> CaptionCorpus {
        let size = options.imageSize
        if let data = config.data {
            let all = try CaptionedImage.readFolder(URL(fileURLWithPath: data), height: size, width: size)
            let valid = try options.valid.isEmpty ? nil : CaptionedImage.readFolder(URL(fileURLWithPath: options.valid), height: size, width: size)
            // Every 10th image is held out when no validation folder is given.
            let held = valid == nil ? Set(stride(from: 9, to: all.count, by: 10)) : []
            let train = all.indices.filter { !held.contains($0) }.map { all[$0] }
            guard !train.isEmpty else { throw DataFileError(file: data, "no training images (a folder of one image keeps it for validation)") }
            return CaptionCorpus(train: set("train", train),
                                 evaluation: [set("val", valid ?? held.sorted().map { all[$0] })])
        }
        let world = ShapesWorld(seed: UInt64(options.worldSeed), imageSize: size)
        return CaptionCorpus(train: generated(world, .train, options.images, "train"),
                             evaluation: [generated(world, .validation, options.validImages, "val"),
                                          generated(world, .heldout, options.validImages, "heldout")])
    }

    static func set(_ name: String, _ images: [CaptionedImage]) -> CaptionSet {
        CaptionSet(name: name, names: images.map(\.name), references: images.map { $0.captions.map(words) },
                   image: { images[$0].image })
    }

    static func generated(_ world: ShapesWorld, _ split: ShapesWorld.Split, _ count: Int, _ name: String) -> CaptionSet {
        let scenes = world.scenes(split, count: count), size = world.imageSize
        return CaptionSet(name: name, names: scenes.indices.map { ShapesWorld.name(split, $0) },
                          references: scenes.map { $0.captions.map(words) }, image: { scenes[$0].render(size: size) })
    }

    static func words(_ caption: String) -> [String] { caption.split(separator: " ").map(String.init) }
}
