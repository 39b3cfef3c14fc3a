/// One field of a plugin's options struct: its flag name, its help, and how to read and write
/// it. Declared with a key path, so the flag's type is the field's type:
///
/// ```swift
/// static let fields: [OptionField<Self>] = [
///     .init("embedding", \.embedding, help: "Width of the character embedding."),
/// ]
/// ```
public struct OptionField<Options>: @unchecked Sendable {
    /// The flag name without dashes; also the field's key in `config.json` (the struct's
    /// `CodingKeys` must spell it the same way; a test checks every registered plugin).
    public let name: String
    public let help: String
    /// What the flag takes ("an integer", "one of char, word").
    public let expected: String
    /// ``expected``, worded for a refused text (``OptionValue/expected(refusing:)``).
    let expectedRefusing: (String) -> String
    let read: (Options) -> String
    let write: (inout Options, String) -> Bool

    public init<Value: OptionValue>(_ name: String, _ keyPath: WritableKeyPath<Options, Value>, help: String) {
        self.name = name
        self.help = help
        expected = Value.expected
        expectedRefusing = Value.expected(refusing:)
        read = { $0[keyPath: keyPath].optionText }
        write = { options, text in
            guard let value = Value(optionText: text) else { return false }
            options[keyPath: keyPath] = value
            return true
        }
    }
}

/// The options a task or a cell declares: one `Codable` struct whose `init()` holds the
/// defaults, with a field list for the command line and a range check.
///
/// The host derives `recur run TASK --help`, "did you mean", shell completion and the typed
/// `config.json` entry from it; the plugin receives a checked value and never parses text.
public protocol PluginOptions: Codable, Sendable, Equatable {
    /// The defaults.
    init()
    /// Every option, in the order help lists them.
    static var fields: [OptionField<Self>] { get }
    /// Refuses values no run can use, as a ``ConfigValueError`` naming the field.
    func validate() throws
    /// Fields that name files on the machine that trained (`valid`): in a bundle they are a
    /// record, never opened, and commands on a bundle clear them. Default: none.
    static var pathFields: Set<String> { get }
}

extension PluginOptions {
    public func validate() throws {}
    public static var pathFields: Set<String> { [] }

    /// The options stored in a run config (typed, or text from an older one), checked and validated.
    public init(_ stored: [String: JSONValue]) throws {
        self = try OptionSchema(Self.self, owner: "options").decode(stored, as: Self.self)
    }
}

/// A plugin with no options of its own.
public struct NoOptions: PluginOptions {
    public init() {}
    public static var fields: [OptionField<NoOptions>] { [] }
}
