/// `recur predict`'s options for a task that writes a caption with attention (captioning,
/// video-captioning): the beam width and where to draw the attention figure.
public struct CaptionPredictionOptions: PluginOptions {
    public var beam = 1
    public var attentionMap = ""

    enum CodingKeys: String, CodingKey { case beam, attentionMap = "attention-map" }

    public init() {}

    public static var pathFields: Set<String> { ["attention-map"] }

    public static let fields: [OptionField<Self>] = [
        .init("beam", \.beam, help: "Beam width (1: greedy decoding)."),
        .init("attention-map", \.attentionMap, help: "Write the attention figure (a panel or row per word) to this PNG."),
    ]

    public func validate() throws {
        try ConfigValueError.check(beam >= 1 && beam <= 100, "beam", beam, "an integer in 1…100")
        if !attentionMap.isEmpty && !attentionMap.lowercased().hasSuffix(".png") {
            throw ConfigValueError(field: "attention-map", value: attentionMap, expected: "a file name ending in .png")
        }
    }
}
