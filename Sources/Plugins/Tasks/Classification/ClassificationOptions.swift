import RecurKit

/// The classification task's own options.
public struct ClassificationOptions: PluginOptions {
    /// How the loss weighs classes.
    public enum ClassWeights: String, Codable, Sendable, CaseIterable, OptionValue {
        /// Every example counts the same.
        case none
        /// Class c weighs `n / (C · n_c)` (scikit-learn's rule), so rare classes count.
        case balanced
    }

    public var embedding = 64
    public var tokens: Tokenization = .char
    public var pooling: Pooling = .last
    public var classWeights: ClassWeights = .none
    /// A separate validation set (same layouts as `--data`); empty: every 10th example per class.
    public var valid = ""
    /// The longest text in tokens, in training and at `recur classify`.
    public var maxLength = 1000

    enum CodingKeys: String, CodingKey {
        case embedding, tokens, pooling = "pool", classWeights = "class-weights", valid, maxLength = "max-length"
    }

    public init() {}

    public static var pathFields: Set<String> { ["valid"] }

    public static let fields: [OptionField<Self>] = [
        .init("embedding", \.embedding, help: "Width of the token embedding."),
        .init("tokens", \.tokens, help: "char (one token per Unicode scalar) or word (whitespace-separated)."),
        .init("pool", \.pooling, help: "last, mean, max or attention: how per-step outputs become one vector."),
        .init("class-weights", \.classWeights, help: "none, or balanced (weight n/(C·n_c) per class in the loss)."),
        .init("valid", \.valid, help: "Validation file or folder (default: every 10th example of each class)."),
        .init("max-length", \.maxLength, help: "Longest text, in tokens; longer ones are refused with their line."),
    ]

    public func validate() throws {
        try ConfigValueError.check(embedding >= 1, "embedding", embedding, "an integer ≥ 1")
        try ConfigValueError.check(maxLength >= 1, "max-length", maxLength, "an integer ≥ 1")
    }

    /// `--class-weights balanced`.
    public var balancedWeights: Bool { classWeights == .balanced }
    /// `--valid`, when given.
    public var validation: String? { valid.isEmpty ? nil : valid }
}

extension Tokenization: Codable, OptionValue {}
extension Pooling: Codable, OptionValue {}
