import RecurKit

/// The char-lm task's own options.
public struct CharLMOptions: PluginOptions {
    /// Width of the character embedding.
    public var embedding = 64

    public init() {}

    public static let fields: [OptionField<Self>] = [
        .init("embedding", \.embedding, help: "Width of the character embedding."),
    ]

    public func validate() throws {
        try ConfigValueError.check(embedding >= 1, "embedding", embedding, "an integer ≥ 1")
    }
}
