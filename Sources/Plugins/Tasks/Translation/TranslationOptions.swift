import RecurKit

/// The translation task's own options, parsed and checked once from `RunConfig.taskOptions`.
public struct TranslationOptions: Sendable {
    public var tokenizer: Tokenizer
    public var minCount: Int
    /// Pairs with more tokens than this on either side are dropped; 0 keeps all.
    public var maxLength: Int
    /// Keep only pairs whose normalised source starts with one of the tutorial's 12 prefixes.
    public var tutorialPrefixes: Bool
    public var valid: String?
    public var member: String?
    public var embedding: Int
    public var attention: AttentionKind
    /// Probability of feeding the gold token (rather than the model's own argmax) at each step.
    public var teacherForcing: Float
    /// Most decoder steps at evaluation and translation; 0 = the longest training target + 1.
    public var decodeLength: Int
    public var bucket: Bool
    public var generatedPairs: Int

    /// The `TaskOption`s the descriptor declares, with their defaults.
    public static let declared: [TaskOption] = [
        TaskOption("tokens", default: "word", help: "word (punctuation split off) or char."),
        TaskOption("lowercase", default: "true", help: "Lower-case both sides before tokenising (true/false)."),
        TaskOption("normalize", default: "none", help: "none, or tutorial: the PyTorch tutorial's normalizeString (ASCII letters and . ! ? only)."),
        TaskOption("prefixes", default: "none", help: "none, or tutorial: keep pairs whose source starts with \"i am \", \"he is \", … (the tutorial's 12)."),
        TaskOption("min-count", default: "1", help: "Training occurrences a token needs to enter the vocabulary."),
        TaskOption("max-len", default: "0", help: "Drop pairs with more tokens than this on either side (0: keep all)."),
        TaskOption("valid", default: "", help: "A TSV file to evaluate on (default: every 10th pair of --data)."),
        TaskOption("member", default: "", help: "The member of a .zip --data file to read (default: its only .txt file)."),
        TaskOption("embedding", default: "256", help: "Width of the source and target embeddings."),
        TaskOption("attention", default: "dot", help: "dot (s·h), general (s·W h), additive (vᵀ tanh(W s + U h)) or none (final encoder state only)."),
        TaskOption("teacher-forcing", default: "1", help: "Probability of feeding the gold previous token in training."),
        TaskOption("decode-len", default: "0", help: "Most output tokens at evaluation (0: longest training target + 1)."),
        TaskOption("bucket", default: "false", help: "Group batches by source length within windows of 20 batches."),
        TaskOption("pairs", default: "20000", help: "Generated date pairs when no --data is given."),
    ]

    public init(_ config: RunConfig) throws {
        func text(_ name: String) throws -> String { try config.taskOption(name, as: String.self) }
        func flag(_ name: String) throws -> Bool {
            switch try text(name) {
            case "true", "yes", "on", "1": return true
            case "false", "no", "off", "0": return false
            case let other: throw TaskOptionError("--\(name) \(other): expected true or false")
            }
        }
        func count(_ name: String, minimum: Int) throws -> Int {
            let value: Int = try config.taskOption(name)
            guard value >= minimum else { throw TaskOptionError("--\(name) must be at least \(minimum) (got \(value))") }
            return value
        }
        let lowercase = try flag("lowercase")
        switch (try text("normalize"), try text("tokens")) {
        case ("tutorial", "word"): tokenizer = .tutorial
        case ("tutorial", _): throw TaskOptionError("--normalize tutorial makes word tokens; drop --tokens char")
        case ("none", "word"): tokenizer = .word(lowercase: lowercase)
        case ("none", "char"): tokenizer = .character(lowercase: lowercase, spaces: .marked)
        case ("none", let other): throw TaskOptionError("--tokens \(other): expected word or char")
        case (let other, _): throw TaskOptionError("--normalize \(other): expected none or tutorial")
        }
        switch try text("prefixes") {
        case "none": tutorialPrefixes = false
        case "tutorial": tutorialPrefixes = true
        case let other: throw TaskOptionError("--prefixes \(other): expected none or tutorial")
        }
        minCount = try count("min-count", minimum: 1)
        maxLength = try count("max-len", minimum: 0)
        valid = try text("valid").isEmpty ? nil : try text("valid")
        member = try text("member").isEmpty ? nil : try text("member")
        embedding = try count("embedding", minimum: 1)
        guard let kind = AttentionKind(rawValue: try text("attention")) else {
            throw TaskOptionError("--attention \(try text("attention")): expected dot, general, additive or none")
        }
        attention = kind
        teacherForcing = try config.taskOption("teacher-forcing")
        guard teacherForcing >= 0 && teacherForcing <= 1 else {
            throw TaskOptionError("--teacher-forcing must be in [0, 1] (got \(teacherForcing))")
        }
        decodeLength = try count("decode-len", minimum: 0)
        bucket = try flag("bucket")
        generatedPairs = try count("pairs", minimum: 10)
    }

    /// The tutorial's English prefixes, matched against the normalised source joined by spaces.
    static let prefixes = ["i am ", "i m ", "he is ", "he s ", "she is ", "she s ", "you are ", "you re ",
                           "we are ", "we re ", "they are ", "they re "]
}
