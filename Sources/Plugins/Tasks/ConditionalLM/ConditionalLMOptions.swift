import RecurKit

/// The conditional-lm task's own options.
public struct ConditionalLMOptions: PluginOptions {
    /// Where the condition enters the model.
    public enum ConditionOn: String, Codable, Sendable, CaseIterable, OptionValue {
        /// The condition sets the initial hidden state: h₀ = tanh(W c + b) in every layer.
        case initial = "init"
        /// The condition is concatenated to the input at every step (the PyTorch "generating
        /// names" tutorial's design).
        case input
        case both
    }

    public var embedding = 32
    /// Width of the condition vector (the class embedding).
    public var conditionSize = 16
    public var conditionOn: ConditionOn = .both
    /// A separate validation set; empty: every 10th example of each class.
    public var valid = ""
    /// The longest text, in characters; longer ones are refused with their line.
    public var maxLength = 100

    enum CodingKeys: String, CodingKey {
        case embedding, conditionSize = "condition-size", conditionOn = "condition-on", valid, maxLength = "max-length"
    }

    public init() {}

    public static var pathFields: Set<String> { ["valid"] }

    public static let fields: [OptionField<Self>] = [
        .init("embedding", \.embedding, help: "Width of the character embedding."),
        .init("condition-size", \.conditionSize, help: "Width of the condition vector (the class embedding)."),
        .init("condition-on", \.conditionOn, help: "init (the initial state), input (every step's input) or both."),
        .init("valid", \.valid, help: "Validation file or folder (default: every 10th example of each class)."),
        .init("max-length", \.maxLength, help: "Longest text in characters; longer ones are refused with their line."),
    ]

    public func validate() throws {
        try ConfigValueError.check(embedding >= 1, "embedding", embedding, "an integer ≥ 1")
        try ConfigValueError.check(conditionSize >= 1, "condition-size", conditionSize, "an integer ≥ 1")
        try ConfigValueError.check(maxLength >= 1, "max-length", maxLength, "an integer ≥ 1")
    }
}
