import RecurKit

/// The translation task's own options.
public struct TranslationOptions: PluginOptions {
    public enum Tokens: String, Codable, Sendable, CaseIterable, OptionValue { case word, char }
    public enum Normalization: String, Codable, Sendable, CaseIterable, OptionValue {
        case none
        /// The PyTorch tutorial's normalizeString (ASCII letters and . ! ? only).
        case tutorial
    }

    public var tokens: Tokens = .word
    public var lowercase = true
    public var normalize: Normalization = .none
    /// `tutorial`: keep only pairs whose normalised source starts with one of the tutorial's 12 prefixes.
    public var prefixes: Normalization = .none
    public var minCount = 1
    /// Pairs with more tokens than this on either side are dropped; 0 keeps all.
    public var maxLength = 0
    public var valid = ""
    public var member = ""
    public var embedding = 256
    public var attention: AttentionKind = .dot
    /// Probability of feeding the gold token (rather than the model's own argmax) at each step.
    public var teacherForcing: Float = 1
    /// Most decoder steps at evaluation and translation; 0 = the longest training target + 1.
    public var decodeLength = 0
    public var bucket = false
    /// Luong's input feeding: the previous step's attentional vector joins the decoder's input.
    public var inputFeeding = false
    public var generatedPairs = 20000

    enum CodingKeys: String, CodingKey {
        case tokens, lowercase, normalize, prefixes, minCount = "min-count", maxLength = "max-len", valid, member, embedding,
             attention, teacherForcing = "teacher-forcing", decodeLength = "decode-len", bucket, inputFeeding = "input-feeding", generatedPairs = "pairs"
    }

    public init() {}

    public static var pathFields: Set<String> { ["valid"] }

    public static let fields: [OptionField<Self>] = [
        .init("tokens", \.tokens, help: "word (punctuation split off) or char."),
        .init("lowercase", \.lowercase, help: "Lower-case both sides before tokenising (true/false)."),
        .init("normalize", \.normalize, help: "none, or tutorial: the PyTorch tutorial's normalizeString (ASCII letters and . ! ? only)."),
        .init("prefixes", \.prefixes, help: "none, or tutorial: keep pairs whose source starts with \"i am \", \"he is \", … (the tutorial's 12)."),
        .init("min-count", \.minCount, help: "Training occurrences a token needs to enter the vocabulary."),
        .init("max-len", \.maxLength, help: "Drop pairs with more tokens than this on either side (0: keep all)."),
        .init("valid", \.valid, help: "A TSV file to evaluate on (default: every 10th pair of --data)."),
        .init("member", \.member, help: "The member of a .zip --data file to read (default: its only .txt file)."),
        .init("embedding", \.embedding, help: "Width of the source and target embeddings."),
        .init("attention", \.attention, help: "dot (s·h), general (s·W h), additive (vᵀ tanh(W s + U h)) or none (final encoder state only)."),
        .init("teacher-forcing", \.teacherForcing, help: "Probability of feeding the gold previous token in training."),
        .init("decode-len", \.decodeLength, help: "Most output tokens at evaluation (0: longest training target + 1)."),
        .init("bucket", \.bucket, help: "Group batches by source length within windows of 20 batches."),
        .init("input-feeding", \.inputFeeding, help: "Feed the previous step's attentional vector õ into the decoder (Luong et al. 2015)."),
        .init("pairs", \.generatedPairs, help: "Generated date pairs when no --data is given."),
    ]

    public func validate() throws {
        if normalize == .tutorial && tokens == .char {
            throw ConfigValueError(field: "tokens", value: "char", expected: "word with --normalize tutorial (it makes word tokens)")
        }
        try ConfigValueError.check(minCount >= 1, "min-count", minCount, "an integer ≥ 1")
        try ConfigValueError.check(maxLength >= 0, "max-len", maxLength, "an integer ≥ 0")
        try ConfigValueError.check(embedding >= 1, "embedding", embedding, "an integer ≥ 1")
        try ConfigValueError.check(teacherForcing >= 0 && teacherForcing <= 1, "teacher-forcing", teacherForcing, "a number in [0, 1]")
        try ConfigValueError.check(decodeLength >= 0, "decode-len", decodeLength, "an integer ≥ 0")
        try ConfigValueError.check(generatedPairs >= 10, "pairs", generatedPairs, "an integer ≥ 10")
    }

    /// How both sides are cut into tokens.
    public var tokenizer: Tokenizer {
        switch (normalize, tokens) {
        case (.tutorial, _): .tutorial
        case (.none, .word): .word(lowercase: lowercase)
        case (.none, .char): .character(lowercase: lowercase, spaces: .marked)
        }
    }

    public var tutorialPrefixes: Bool { prefixes == .tutorial }
    /// The validation file, when given.
    public var validation: String? { valid.isEmpty ? nil : valid }
    /// The zip member to read, when given.
    public var zipMember: String? { member.isEmpty ? nil : member }

    /// The tutorial's English prefixes, matched against the normalised source joined by spaces.
    static let prefixes = ["i am ", "i m ", "he is ", "he s ", "she is ", "she s ", "you are ", "you re ",
                           "we are ", "we re ", "they are ", "they re "]
}

extension AttentionKind: OptionValue {}
