/// How a state dict's tensors line up with a model's parameters: everything that does not fit,
/// all of it at once (unlike ``load(_:into:)``, which stops at the first problem), so that one
/// attempt shows the user the whole difference between the file and the model.
public struct StateDictMatch: Sendable, Equatable {
    /// A name with its shape.
    public struct Entry: Sendable, Equatable, CustomStringConvertible {
        public let name: String
        public let shape: [Int]
        public var description: String { "\(name) \(shape)" }
    }

    /// A name both sides have, with different shapes.
    public struct Conflict: Sendable, Equatable, CustomStringConvertible {
        public let name: String
        public let expected: [Int]
        public let found: [Int]
        public init(name: String, expected: [Int], found: [Int]) {
            self.name = name
            self.expected = expected
            self.found = found
        }
        public var description: String { "\(name) is \(found) in the file, \(expected) in the model" }
    }

    /// Parameters of the model the file lacks, in the model's order.
    public let missing: [Entry]
    /// Tensors of the file the model has no parameter for, sorted by name.
    public let unexpected: [Entry]
    public let conflicts: [Conflict]

    public init(_ values: [String: Tensor], parameters: [NamedParameter]) {
        let names = Set(parameters.map(\.name))
        missing = parameters.filter { values[$0.name] == nil }.map { Entry(name: $0.name, shape: $0.variable.shape) }
        unexpected = values.keys.filter { !names.contains($0) }.sorted().map { Entry(name: $0, shape: values[$0]!.shape) }
        conflicts = parameters.compactMap { name, variable in
            guard let found = values[name]?.shape, found != variable.shape else { return nil }
            return Conflict(name: name, expected: variable.shape, found: found)
        }
    }

    public var fits: Bool { missing.isEmpty && unexpected.isEmpty && conflicts.isEmpty }

    /// One line per kind of problem, each listing every name (up to ``listLimit`` of them).
    public var problems: [String] {
        (missing.isEmpty ? [] : ["missing from the file: " + Self.list(missing.map(\.description), separator: ", ")])
            + (unexpected.isEmpty ? [] : ["not in the model: " + Self.list(unexpected.map(\.description), separator: ", ")])
            + (conflicts.isEmpty ? [] : ["shape conflicts: " + Self.list(conflicts.map(\.description), separator: "; ")])
    }

    /// A stranger's file may hold a million tensors; a message names this many and counts the rest.
    public static let listLimit = 40

    static func list(_ items: [String], separator: String) -> String {
        items.prefix(listLimit).joined(separator: separator) + (items.count > listLimit ? "\(separator)and \(items.count - listLimit) more" : "")
    }

    /// Puts the values into the parameters, or throws ``StateDictMismatch`` listing every problem.
    public static func assign(_ values: [String: Tensor], to parameters: [NamedParameter], source: String) throws {
        let match = StateDictMatch(values, parameters: parameters)
        guard match.fits else { throw StateDictMismatch(source: source, match: match) }
        for (name, variable) in parameters { variable.assign(values[name]!) }
    }
}

/// A state dict that does not fit the model it was meant for.
public struct StateDictMismatch: Error, CustomStringConvertible {
    public let source: String
    public let match: StateDictMatch

    public var description: String {
        "\(source) does not fit the model:\n  " + match.problems.joined(separator: "\n  ")
    }
}
