/// A plugin's options with the struct's type erased, so registries can hold any plugin: the
/// field list for help and completion, and the conversions between typed JSON, text from the
/// command line and the checked struct.
public struct OptionSchema: Sendable {
    /// One declared option, for help and completion.
    public struct Field: Sendable, Equatable {
        public let name: String
        public let help: String
        public let expected: String
        public let defaultText: String
    }

    /// Who declares these options, for messages (`task 'char-lm'`).
    public let owner: String
    public let fields: [Field]
    /// The defaults as stored in `config.json`.
    public let defaults: [String: JSONValue]
    /// Fields that name files (``PluginOptions/pathFields``).
    public let pathFields: Set<String>
    private let resolveText: @Sendable ([String: JSONValue], [String: String]) throws -> [String: JSONValue]
    private let check: @Sendable ([String: JSONValue]) throws -> Void
    private let upgradeText: @Sendable ([String: String]) throws -> [String: JSONValue]

    public init<Options: PluginOptions>(_ type: Options.Type, owner: String) {
        self.owner = owner
        let declared = Options.fields
        let defaultValue = Options()
        fields = declared.map { Field(name: $0.name, help: $0.help, expected: $0.expected, defaultText: $0.read(defaultValue)) }
        defaults = (try? JSONValue.object(encoding: defaultValue)) ?? [:]
        let names = declared.map(\.name)
        pathFields = Options.pathFields

        /// Reads stored values over the defaults through each field's own parser, so a value
        /// of the wrong type names its field (and text from an old config reads as typed).
        @Sendable func decode(_ stored: [String: JSONValue]) throws -> Options {
            var options = Options()
            try apply(stored.mapValues(\.description), to: &options)
            return options
        }
        @Sendable func apply(_ text: [String: String], to options: inout Options) throws {
            for key in text.keys.sorted() {
                guard let field = declared.first(where: { $0.name == key }) else {
                    throw UnknownOptionError(name: key, owner: owner, known: names)
                }
                guard field.write(&options, text[key]!) else {
                    throw ConfigValueError(field: key, value: text[key]!, expected: field.expectedRefusing(text[key]!), owner: owner)
                }
            }
        }
        /// `validate()`, with the owner filled in for messages.
        @Sendable func validated(_ options: Options) throws -> Options {
            do { try options.validate() } catch var error as ConfigValueError {
                error.owner = error.owner ?? owner
                throw error
            }
            return options
        }
        resolveText = { stored, text in
            var options = try decode(stored)
            try apply(text, to: &options)
            return try JSONValue.object(encoding: try validated(options))
        }
        check = { stored in _ = try validated(try decode(stored)) }
        upgradeText = { text in
            var options = Options()
            try apply(text, to: &options)
            return try JSONValue.object(encoding: options)
        }
        decodeAny = { stored in try validated(try decode(stored)) }
    }

    /// Stored values (a `--config` file's, or the defaults) overlaid with options typed on the
    /// command line, checked and validated; the result goes into `config.json`.
    public func resolve(stored: [String: JSONValue], text: [String: String]) throws -> [String: JSONValue] {
        try resolveText(stored, text)
    }

    /// Checks stored values: every key declared, every type right, `validate()` passes.
    public func validate(_ stored: [String: JSONValue]) throws { try check(stored) }

    /// Reads options stored as text (run configs before format 2) into typed values.
    public func upgrade(text: [String: String]) throws -> [String: JSONValue] { try upgradeText(text) }

    let decodeAny: @Sendable ([String: JSONValue]) throws -> any PluginOptions

    /// The typed, validated options struct from stored values.
    public func decode<Options: PluginOptions>(_ stored: [String: JSONValue], as type: Options.Type) throws -> Options {
        guard let options = try decodeAny(stored) as? Options else {
            throw ConfigValueError(field: "options", value: "\(Options.self)", expected: "the options type \(owner) declares", owner: owner)
        }
        return options
    }

    /// Names of the declared options, for completion.
    public var names: [String] { fields.map(\.name) }
}
