import RecurKit

/// The VQA task's own options.
public struct VQAOptions: PluginOptions {
    public enum AttentionChoice: String, Codable, Sendable, CaseIterable, OptionValue {
        /// Question-guided attention over regions, stacked `--hops` times (Yang et al. 2016).
        case stacked
        /// Question ⊕ mean region features: the baseline without attention.
        case none
        /// Two finds (the first- and second-named object): a question-conditioned match score per
        /// region, its max and its softmax's expected position (x, y), and each adjacent word pair's
        /// place by word index, into the answer head; the only choice that answers relation questions.
        case find
    }

    public var conv = "16,32,64"
    public var imageSize = 64
    public var embedding = 64
    public var attention: AttentionChoice = .stacked
    public var hops = 2
    /// Width k of each hop's score; 0 = the question vector's width.
    public var attentionSize = 0
    public var images = 50000
    public var validImages = 500
    public var worldSeed = 0
    public var valid = ""

    enum CodingKeys: String, CodingKey {
        case conv, imageSize = "image-size", embedding, attention, hops, attentionSize = "attention-size", images,
             validImages = "valid-images", worldSeed = "world-seed", valid
    }

    public init() {}

    public static var pathFields: Set<String> { ["valid"] }

    public static let fields: [OptionField<Self>] = [
        .init("conv", \.conv, help: "Channels of the CNN encoder's 3×3 conv + ReLU + 2×2 max-pool blocks."),
        .init("image-size", \.imageSize, help: "Images are resized (bilinear) to this many pixels a side."),
        .init("embedding", \.embedding, help: "Width of the question's word embeddings."),
        .init("attention", \.attention, help: "stacked (question-guided attention over regions), none (question ⊕ mean region) or find (two named-object finds: match max, count and position)."),
        .init("hops", \.hops, help: "Attention layers of the stacked attention network (1 or 2)."),
        .init("attention-size", \.attentionSize, help: "Width of each hop's score (0: the question vector's width)."),
        .init("images", \.images, help: "Generated shapes-world training images (without --data), about 4.6 questions each."),
        .init("valid-images", \.validImages, help: "Generated validation images, and as many with unseen colour–shape pairs."),
        .init("world-seed", \.worldSeed, help: "Seed of the generated shapes world (the data; --seed is the model's)."),
        .init("valid", \.valid, help: "With --data: a folder with questions.tsv to evaluate on (default: every 10th image's questions)."),
    ]

    public func validate() throws {
        _ = try ConvEncoder.parseChannels(conv)
        try ConfigValueError.check(imageSize >= 8 && imageSize <= 512, "image-size", imageSize, "an integer in 8…512")
        try ConfigValueError.check(embedding >= 1, "embedding", embedding, "an integer ≥ 1")
        try ConfigValueError.check(hops == 1 || hops == 2, "hops", hops, "1 or 2")
        try ConfigValueError.check(attentionSize >= 0, "attention-size", attentionSize, "an integer ≥ 0")
        try ConfigValueError.check(images >= 10, "images", images, "an integer ≥ 10")
        try ConfigValueError.check(validImages >= 1, "valid-images", validImages, "an integer ≥ 1")
        try ConfigValueError.check(worldSeed >= 0, "world-seed", worldSeed, "an integer ≥ 0")
    }
}
