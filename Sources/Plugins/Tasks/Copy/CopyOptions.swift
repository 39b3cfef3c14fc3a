import RecurKit

/// The copy task's own options.
public struct CopyOptions: PluginOptions {
    /// Blank steps T between the symbols and their recall.
    public var length = 100
    /// Symbols S to remember.
    public var symbols = 10
    /// Distinct symbols.
    public var alphabet = 8
    /// Sequences in the fixed test set.
    public var testSize = 500

    enum CodingKeys: String, CodingKey { case length, symbols, alphabet, testSize = "test-size" }

    public init() {}

    public static let fields: [OptionField<Self>] = [
        .init("length", \.length, help: "Blank steps T between the symbols and their recall."),
        .init("symbols", \.symbols, help: "Symbols S to remember."),
        .init("alphabet", \.alphabet, help: "Distinct symbols."),
        .init("test-size", \.testSize, help: "Sequences in the fixed test set."),
    ]

    public func validate() throws {
        try ConfigValueError.check(length >= 1, "length", length, "an integer ≥ 1")
        try ConfigValueError.check(symbols >= 1, "symbols", symbols, "an integer ≥ 1")
        try ConfigValueError.check(alphabet >= 2, "alphabet", alphabet, "an integer ≥ 2")
        try ConfigValueError.check(testSize >= 1, "test-size", testSize, "an integer ≥ 1")
    }
}
