import RecurKit

/// The captioning task's own options.
public struct CaptioningOptions: PluginOptions {
    public enum AttentionChoice: String, Codable, Sendable, CaseIterable, OptionValue {
        /// Xu et al.'s soft attention over the regions (additive score).
        case additive
        /// The mean region at every step: the baseline without attention.
        case none
    }

    public enum ReferenceChoice: String, Codable, Sendable, CaseIterable, OptionValue {
        /// Each image's first caption (the shapes world's canonical one; the first line of the image in captions.tsv).
        case first
        /// A caption drawn afresh for each image at each step.
        case random
    }

    public var conv = "16,32,64"
    public var reference: ReferenceChoice = .first
    public var imageSize = 64
    public var embedding = 64
    public var attention: AttentionChoice = .additive
    /// Width A of the additive score; 0 = the decoder's hidden size.
    public var attentionSize = 0
    /// λ of the doubly stochastic penalty λ · mean_i (1 − Σ_t α_ti)². Off by default: Xu et al.
    /// used 1 with 196 regions and 15–20 words, but with 64 regions and about 11 words a caption
    /// cannot visit every region, so the penalty mostly pulls α towards uniform, and measured it
    /// slowed learning on the shapes world (docs/vision-tasks.md).
    public var alphaPenalty: Float = 0
    /// The gating scalar β on the context.
    public var gate = true
    public var decodeLength = 0
    /// Generated training images (shapes world), when no --data is given.
    public var images = 50000
    /// Generated validation images, and as many held-out-combination images.
    public var validImages = 500
    /// Seed of the generated shapes world (the data), apart from --seed (the model).
    public var worldSeed = 0
    /// With --data: a second folder to evaluate on (default: every 10th image of --data).
    public var valid = ""

    enum CodingKeys: String, CodingKey {
        case conv, reference, imageSize = "image-size", embedding, attention, attentionSize = "attention-size",
             alphaPenalty = "alpha-penalty", gate, decodeLength = "decode-len", images, validImages = "valid-images",
             worldSeed = "world-seed", valid
    }

    public init() {}

    public static var pathFields: Set<String> { ["valid"] }

    public static let fields: [OptionField<Self>] = [
        .init("conv", \.conv, help: "Channels of the CNN encoder's 3×3 conv + ReLU + 2×2 max-pool blocks."),
        .init("reference", \.reference, help: "The caption teacher forcing trains on: first (each image's first caption) or random (one drawn per step); evaluation scores against all."),
        .init("image-size", \.imageSize, help: "Images are resized (bilinear) to this many pixels a side."),
        .init("embedding", \.embedding, help: "Width of the word embeddings."),
        .init("attention", \.attention, help: "additive (Xu et al.'s soft attention over regions) or none (the mean region)."),
        .init("attention-size", \.attentionSize, help: "Width of the additive score (0: the hidden size)."),
        .init("alpha-penalty", \.alphaPenalty, help: "λ of Xu et al.'s doubly stochastic attention penalty (they used 1; 0: off)."),
        .init("gate", \.gate, help: "The gating scalar β on the attended context (true/false)."),
        .init("decode-len", \.decodeLength, help: "Most words generated (0: the longest training caption + 1)."),
        .init("images", \.images, help: "Generated shapes-world training images (without --data)."),
        .init("valid-images", \.validImages, help: "Generated validation images, and as many of unseen colour–shape pairs."),
        .init("world-seed", \.worldSeed, help: "Seed of the generated shapes world (the data; --seed is the model's)."),
        .init("valid", \.valid, help: "With --data: a folder with captions.tsv to evaluate on (default: every 10th image)."),
    ]

    public func validate() throws {
        _ = try ConvEncoder.parseChannels(conv)
        try ConfigValueError.check(imageSize >= 8 && imageSize <= 512, "image-size", imageSize, "an integer in 8…512")
        try ConfigValueError.check(embedding >= 1, "embedding", embedding, "an integer ≥ 1")
        try ConfigValueError.check(attentionSize >= 0, "attention-size", attentionSize, "an integer ≥ 0")
        try ConfigValueError.check(alphaPenalty >= 0 && alphaPenalty.isFinite, "alpha-penalty", alphaPenalty, "a number ≥ 0")
        try ConfigValueError.check(decodeLength >= 0, "decode-len", decodeLength, "an integer ≥ 0")
        try ConfigValueError.check(images >= 10, "images", images, "an integer ≥ 10")
        try ConfigValueError.check(validImages >= 1, "valid-images", validImages, "an integer ≥ 1")
        try ConfigValueError.check(worldSeed >= 0, "world-seed", worldSeed, "an integer ≥ 0")
    }
}
