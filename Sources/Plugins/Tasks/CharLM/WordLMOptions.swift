import RecurKit

/// The word-lm task's own options.
public struct WordLMOptions: PluginOptions {
    /// Width of the word embedding (word_language_model's `--emsize`).
    public var embedding = 200
    /// The vocabulary's size, `<eos>` and `<unk>` included; 0: every training word.
    public var maxVocab = 10_000
    /// Decoder weight = embedding table (``LanguageModel``); needs `--hidden` = `--embedding`.
    public var tied = false
    public var valid: CharLMOptions.Validation = .split

    enum CodingKeys: String, CodingKey { case embedding, maxVocab = "max-vocab", tied, valid }

    public init() {}

    public static let fields: [OptionField<Self>] = [
        .init("embedding", \.embedding, help: "Width of the word embedding."),
        .init("max-vocab", \.maxVocab, help: "Vocabulary size, <eos> and <unk> included: the most frequent training words; the rest read as <unk> (0: all)."),
        .init("tied", \.tied, help: "Tie the decoder's weight to the embedding table (word_language_model --tied); needs --hidden equal to --embedding."),
        .init("valid", \.valid, help: "split (last 10% of the text, cut by characters as char-lm), or none (train on all of it; figures are on the training text)."),
    ]

    public func validate() throws {
        try ConfigValueError.check(embedding >= 1, "embedding", embedding, "an integer ≥ 1")
        try ConfigValueError.check(maxVocab == 0 || maxVocab >= 3, "max-vocab", maxVocab, "0 (no cap) or an integer ≥ 3 (<eos>, <unk> and a word)")
    }
}
