import RecurKit

/// The char-lm task's own options.
public struct CharLMOptions: PluginOptions {
    /// How characters enter the cell stack.
    public enum Input: String, Codable, Sendable, CaseIterable, OptionValue {
        /// A learned embedding of `--embedding` columns (`encoder.weight`, as word_language_model).
        case embedding
        /// One-hot vectors of the vocabulary's size, as the RNN lecture and char-rnn feed them.
        case oneHot = "one-hot"
    }

    /// Where validation figures come from.
    public enum Validation: String, Codable, Sendable, CaseIterable, OptionValue {
        /// Train on the first ⌊9N/10⌋ characters, validate on the rest.
        case split
        /// Train on the whole text and report the figures on it: for tiny corpora ("hello").
        case none
    }

    /// Width of the character embedding.
    public var embedding = 64
    public var input: Input = .embedding
    public var valid: Validation = .split
    /// Decoder weight = embedding table (``LanguageModel``); needs `--hidden` = `--embedding`.
    public var tied = false

    public init() {}

    public static let fields: [OptionField<Self>] = [
        .init("embedding", \.embedding, help: "Width of the character embedding."),
        .init("input", \.input, help: "embedding, or one-hot (no embedding: one-hot vectors, as the RNN lecture)."),
        .init("valid", \.valid, help: "split (last 10% of the text), or none (train on all of it; figures are on the training text)."),
        .init("tied", \.tied, help: "Tie the decoder's weight to the embedding table (word_language_model --tied); needs --hidden equal to --embedding."),
    ]

    public func validate() throws {
        try ConfigValueError.check(embedding >= 1, "embedding", embedding, "an integer ≥ 1")
    }
}
