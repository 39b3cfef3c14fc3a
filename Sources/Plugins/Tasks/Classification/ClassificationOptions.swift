import RecurKit

/// The classification task's own options, parsed from a run config with messages that name the
/// flag and the values it takes.
public struct ClassificationOptions: Sendable, Equatable {
    public var embedding: Int
    public var tokens: Tokenization
    public var pooling: Pooling
    /// `balanced`: class c weighs `n / (C · n_c)` in the loss (scikit-learn's rule), so rare classes count.
    public var balancedWeights: Bool
    /// A separate validation set (same layouts as `--data`), or `nil` for every 10th example per class.
    public var validation: String?
    /// The longest text in tokens, in training and at `recur classify`.
    public var maxLength: Int

    public static let declared: [TaskOption] = [
        TaskOption("embedding", default: "64", help: "Width of the token embedding."),
        TaskOption("tokens", default: "char", help: "char (one token per Unicode scalar) or word (whitespace-separated)."),
        TaskOption("pool", default: "last", help: "last, mean, max or attention: how per-step outputs become one vector."),
        TaskOption("class-weights", default: "none", help: "none, or balanced (weight n/(C·n_c) per class in the loss)."),
        TaskOption("valid", default: "", help: "Validation file or folder (default: every 10th example of each class)."),
        TaskOption("max-length", default: "1000", help: "Longest text, in tokens; longer ones are refused with their line."),
    ]

    public init(_ config: RunConfig) throws {
        func choice<T: RawRepresentable & CaseIterable>(_ name: String, _: T.Type) throws -> T where T.RawValue == String {
            let text = try config.taskOption(name, as: String.self)
            guard let value = T(rawValue: text) else {
                throw TaskOptionError("--\(name) \(text): expected one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return value
        }
        embedding = try config.taskOption("embedding")
        guard embedding >= 1 else { throw TaskOptionError("--embedding must be a positive integer (got \(embedding))") }
        maxLength = try config.taskOption("max-length")
        guard maxLength >= 1 else { throw TaskOptionError("--max-length must be a positive integer (got \(maxLength))") }
        tokens = try choice("tokens", Tokenization.self)
        pooling = try choice("pool", Pooling.self)
        switch try config.taskOption("class-weights", as: String.self) {
        case "none": balancedWeights = false
        case "balanced": balancedWeights = true
        case let other: throw TaskOptionError("--class-weights \(other): expected none or balanced")
        }
        let valid = try config.taskOption("valid", as: String.self)
        validation = valid.isEmpty ? nil : valid
    }
}
