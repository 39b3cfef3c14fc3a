import RecurKit

/// The adding task's own options.
public struct AddingOptions: PluginOptions {
    /// Sequence length T.
    public var length = 100
    /// Sequences in the fixed test set.
    public var testSize = 1000

    enum CodingKeys: String, CodingKey { case length, testSize = "test-size" }

    public init() {}

    public static let fields: [OptionField<Self>] = [
        .init("length", \.length, help: "Sequence length T."),
        .init("test-size", \.testSize, help: "Sequences in the fixed test set."),
    ]

    public func validate() throws {
        try ConfigValueError.check(length >= 2, "length", length, "an integer ≥ 2")
        try ConfigValueError.check(testSize >= 1, "test-size", testSize, "an integer ≥ 1")
    }
}
