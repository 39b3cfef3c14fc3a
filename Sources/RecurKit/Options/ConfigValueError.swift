/// A configuration value that cannot be used, as data: which field, what it was, and what is
/// allowed. The library never words it as a command-line flag; the host does (`--hidden -3 …`),
/// or names the config field when the value came from a bundle or a run directory.
public struct ConfigValueError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The option's name as the plugin declares it (`embedding`, `max-length`), or a common
    /// field's flag name (`hidden`, `batch`).
    public var field: String
    /// The value as given.
    public var value: String
    /// What would be accepted: "an integer ≥ 1", "one of char, word", "in [0, 1)".
    public var expected: String
    /// Who declares the field (`task 'char-lm'`, `cell 'rnn'`), when known.
    public var owner: String?

    public init(field: String, value: String, expected: String, owner: String? = nil) {
        self.field = field
        self.value = value
        self.expected = expected
        self.owner = owner
    }

    /// The default wording, as a flag; the host may word it otherwise.
    public var description: String { "--\(field) \(value): expected \(expected)" }

    /// Checks `condition`, throwing with `field`, `value` and `expected` otherwise.
    public static func check(_ condition: Bool, _ field: String, _ value: CustomStringConvertible, _ expected: String) throws {
        if !condition { throw ConfigValueError(field: field, value: "\(value)", expected: expected) }
    }
}

/// A name the plugin does not declare, with the names it does (closest first).
public struct UnknownOptionError: Error, CustomStringConvertible, Equatable, Sendable {
    public var name: String
    public var owner: String
    /// Declared names, closest to `name` first.
    public var known: [String]

    public init(name: String, owner: String, known: [String]) {
        self.name = name
        self.owner = owner
        self.known = closest(to: name, in: known)
    }

    /// The closest declared name, when it is close enough to be a typo.
    public var suggestion: String? {
        guard let best = known.first else { return nil }
        return editDistance(name.lowercased(), best.lowercased()) <= max(2, name.count / 3) ? best : nil
    }

    public var description: String {
        let list = known.isEmpty ? "it has none" : "its own options are " + known.sorted().map { "--\($0)" }.joined(separator: ", ")
        let hint = suggestion.map { "did you mean --\($0)? " } ?? ""
        return "\(owner) has no option --\(name); \(hint)\(list)"
    }
}
