/// A type a plugin option can have: parsed from the text a user types, and shown back.
public protocol OptionValue: Codable, Sendable {
    /// The value `text` stands for, or `nil` when it is not one.
    init?(optionText text: String)
    /// The value as a user would type it.
    var optionText: String { get }
    /// What the flag takes, for help and errors: "integer", "number", "true|false", "char|word".
    static var expected: String { get }
    /// What the flag takes, worded for `text` that was refused (default: ``expected``).
    static func expected(refusing text: String) -> String
}

extension OptionValue {
    public static func expected(refusing text: String) -> String { expected }
}

extension Int: OptionValue {
    /// Task and cell options size things (lengths, widths, counts); past 2²⁴ one would need
    /// more memory than any machine has and could overflow the arithmetic built on it.
    public static let optionLimit = 1 << 24

    public init?(optionText text: String) {
        guard let value = Int(text), abs(value) <= Self.optionLimit else { return nil }
        self = value
    }
    public var optionText: String { "\(self)" }
    public static var expected: String { "an integer" }
    /// An integer past the bound says so rather than "an integer".
    public static func expected(refusing text: String) -> String {
        Int(text) == nil ? expected : "an integer no larger than 2^24 (\(optionLimit)) in size"
    }
}

extension Float: OptionValue {
    public init?(optionText text: String) {
        guard let value = Float(text), value.isFinite else { return nil }
        self = value
    }
    public var optionText: String { "\(self)" }
    public static var expected: String { "a number" }
}

extension Double: OptionValue {
    public init?(optionText text: String) {
        guard let value = Double(text), value.isFinite else { return nil }
        self = value
    }
    public var optionText: String { "\(self)" }
    public static var expected: String { "a number" }
}

extension Bool: OptionValue {
    /// `true`/`false`, and the spellings `yes`/`no`, `on`/`off`, `1`/`0`.
    public init?(optionText text: String) {
        switch text.lowercased() {
        case "true", "yes", "on", "1": self = true
        case "false", "no", "off", "0": self = false
        default: return nil
        }
    }
    public var optionText: String { "\(self)" }
    public static var expected: String { "true or false" }
}

extension String: OptionValue {
    public init?(optionText text: String) { self = text }
    public var optionText: String { self }
    public static var expected: String { "text" }
}

/// Options with a fixed set of spellings (`--pool last|mean|max|attention`) declare
/// `OptionValue` conformance and get parsing, help and "expected one of" for free.
extension OptionValue where Self: RawRepresentable & CaseIterable, RawValue == String {
    public init?(optionText text: String) { self.init(rawValue: text) }
    public var optionText: String { rawValue }
    public static var expected: String { "one of " + allCases.map(\.rawValue).joined(separator: ", ") }
}
