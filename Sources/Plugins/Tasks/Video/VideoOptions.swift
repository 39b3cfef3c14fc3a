import RecurKit

/// The video task's own options.
public struct VideoOptions: PluginOptions {
    public enum AttentionChoice: String, Codable, Sendable, CaseIterable, OptionValue {
        /// Additive attention of the caption decoder over the encoded frames.
        case additive
        /// The mean encoded frame at every step.
        case none
    }

    /// Label every frame with what is happening at that moment (many-to-many) instead of
    /// writing one caption for the clip.
    public var perFrame = false
    /// Give the frame CNN each frame's difference from the previous one as 3 more channels.
    public var motion = true
    public var conv = "16,32"
    public var imageSize = 32
    /// Width of each frame's vector (the CNN's flattened grid, projected).
    public var frameSize = 128
    public var embedding = 32
    public var attention: AttentionChoice = .additive
    public var attentionSize = 0
    public var decodeLength = 0
    public var frames = 8
    public var clips = 50000
    public var validClips = 300
    public var worldSeed = 0
    public var valid = ""

    enum CodingKeys: String, CodingKey {
        case perFrame = "per-frame", motion, conv, imageSize = "image-size", frameSize = "frame-size", embedding, attention,
             attentionSize = "attention-size", decodeLength = "decode-len", frames, clips, validClips = "valid-clips",
             worldSeed = "world-seed", valid
    }

    public init() {}

    public static var pathFields: Set<String> { ["valid"] }

    public static let fields: [OptionField<Self>] = [
        .init("per-frame", \.perFrame, help: "Label each frame (what happens at that moment) instead of captioning the clip."),
        .init("motion", \.motion, help: "Also give the frame CNN each frame's difference from the previous one (what moved or changed)."),
        .init("conv", \.conv, help: "Channels of the frame CNN's 3×3 conv + ReLU + 2×2 max-pool blocks."),
        .init("image-size", \.imageSize, help: "Frames are resized (bilinear) to this many pixels a side."),
        .init("frame-size", \.frameSize, help: "Width of each frame's vector (the CNN's grid, flattened and projected)."),
        .init("embedding", \.embedding, help: "Width of the caption's word embeddings."),
        .init("attention", \.attention, help: "additive (the decoder attends over frames) or none (the mean frame)."),
        .init("attention-size", \.attentionSize, help: "Width of the additive score (0: the hidden size)."),
        .init("decode-len", \.decodeLength, help: "Most words generated (0: the longest training caption + 1)."),
        .init("frames", \.frames, help: "Frames of each generated clip (8–16)."),
        .init("clips", \.clips, help: "Generated training clips (without --data)."),
        .init("valid-clips", \.validClips, help: "Generated validation clips, and as many of unseen colour–shape pairs."),
        .init("world-seed", \.worldSeed, help: "Seed of the generated clips (the data; --seed is the model's)."),
        .init("valid", \.valid, help: "With --data: a clip folder to evaluate on (default: every 10th clip)."),
    ]

    public func validate() throws {
        _ = try ConvEncoder.parseChannels(conv)
        try ConfigValueError.check(imageSize >= 8 && imageSize <= 256, "image-size", imageSize, "an integer in 8…256")
        try ConfigValueError.check(frameSize >= 1, "frame-size", frameSize, "an integer ≥ 1")
        try ConfigValueError.check(embedding >= 1, "embedding", embedding, "an integer ≥ 1")
        try ConfigValueError.check(attentionSize >= 0, "attention-size", attentionSize, "an integer ≥ 0")
        try ConfigValueError.check(decodeLength >= 0, "decode-len", decodeLength, "an integer ≥ 0")
        try ConfigValueError.check(frames >= 8 && frames <= 16, "frames", frames, "an integer in 8…16")
        try ConfigValueError.check(clips >= 10, "clips", clips, "an integer ≥ 10")
        try ConfigValueError.check(validClips >= 1, "valid-clips", validClips, "an integer ≥ 1")
        try ConfigValueError.check(worldSeed >= 0, "world-seed", worldSeed, "an integer ≥ 0")
    }
}
