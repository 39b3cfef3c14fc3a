import RecurKit

/// The tagging task's own options.
public struct TaggingOptions: PluginOptions {
    /// How `--data` is laid out.
    public enum Format: String, Codable, Sendable, CaseIterable, OptionValue {
        /// `conll` when no line holds a space-separated token list before its first tab, else `tsv`.
        case auto
        /// One token per line with its tag in column `--tag-column`; a blank line ends a sentence.
        case conll
        /// One sentence per line: `tokens<TAB>tags`, each a space-separated list of equal length.
        case tsv
    }

    public var embedding = 64
    /// Probability that a word seen once in training reads as `<unk>` in a training batch, so
    /// `<unk>` gets a trained embedding for the unseen words of validation and prediction
    /// (Lample et al. 2016 replace singletons with p = 0.5).
    public var unkRate: Float = 0.5
    /// Score with a linear-chain CRF (transitions, forward-algorithm loss, Viterbi decoding)
    /// instead of an independent softmax per token.
    public var crf = false
    /// Character-level BiLSTM word features joined to the word embedding.
    public var charFeatures = false
    public var charEmbedding = 25
    public var charHidden = 25
    public var format: Format = .auto
    /// 1-based column of the tag in CoNLL files (the token is column 1).
    public var tagColumn = 2
    /// A separate validation file (same layouts as `--data`); empty: every 10th sentence.
    public var valid = ""
    /// Sentences of the default data (the Jargon File) to use.
    public var sentences = 8000
    /// The longest sentence in tokens, in training and at `recur predict`.
    public var maxLength = 200

    enum CodingKeys: String, CodingKey {
        case embedding, unkRate = "unk-rate", crf, charFeatures = "char-features", charEmbedding = "char-embedding",
             charHidden = "char-hidden", format, tagColumn = "tag-column", valid, sentences, maxLength = "max-length"
    }

    public init() {}

    public static var pathFields: Set<String> { ["valid"] }

    public static let fields: [OptionField<Self>] = [
        .init("embedding", \.embedding, help: "Width of the word embedding."),
        .init("unk-rate", \.unkRate, help: "Probability that a word seen once in training is read as <unk> in a training batch."),
        .init("crf", \.crf, help: "true: a linear-chain CRF output layer (Viterbi decoding) instead of a softmax per token."),
        .init("char-features", \.charFeatures, help: "Add character-level BiLSTM word features (spelling, for unseen words) to the word embedding."),
        .init("char-embedding", \.charEmbedding, help: "With --char-features: width of the character embedding."),
        .init("char-hidden", \.charHidden, help: "With --char-features: hidden size of each direction of the character BiLSTM."),
        .init("format", \.format, help: "auto, conll (token<TAB>tag lines, blank line between sentences) or tsv (tokens<TAB>tags per sentence)."),
        .init("tag-column", \.tagColumn, help: "CoNLL files: the column (1-based, the token is 1) that holds the tag."),
        .init("valid", \.valid, help: "Validation file (default: every 10th sentence, the first included)."),
        .init("sentences", \.sentences, help: "Without --data: how many Jargon File sentences to tag (case and punctuation)."),
        .init("max-length", \.maxLength, help: "Longest sentence, in tokens; longer ones are refused with their line."),
    ]

    public func validate() throws {
        try ConfigValueError.check(embedding >= 1, "embedding", embedding, "an integer ≥ 1")
        try ConfigValueError.check(unkRate >= 0 && unkRate <= 1, "unk-rate", unkRate, "a probability in [0, 1]")
        try ConfigValueError.check(tagColumn >= 2, "tag-column", tagColumn, "an integer ≥ 2 (column 1 is the token)")
        try ConfigValueError.check(sentences >= 20, "sentences", sentences, "an integer ≥ 20")
        try ConfigValueError.check(maxLength >= 1, "max-length", maxLength, "an integer ≥ 1")
        try ConfigValueError.check(charEmbedding >= 1, "char-embedding", charEmbedding, "an integer ≥ 1")
        try ConfigValueError.check(charHidden >= 1, "char-hidden", charHidden, "an integer ≥ 1")
    }

    /// `--valid`, when given.
    public var validation: String? { valid.isEmpty ? nil : valid }
}
