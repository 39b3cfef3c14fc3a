/// A registered cell: its name, what it is, and how to make one.
public struct CellDescriptor: Sendable, RegistryEntry {
    public let name: String
    public let summary: String
    public let version: String
    /// `built-in`, or the file a run-time plugin came from.
    public var origin: String
    /// Options the cell understands (`key`, meaning), for `recur list` and errors.
    public let options: [String: String]
    public let make: @Sendable (CellConfig, inout RandomGenerator) throws -> any Cell

    public init(name: String, summary: String, version: String, origin: String = "built-in",
                options: [String: String] = [:],
                make: @escaping @Sendable (CellConfig, inout RandomGenerator) throws -> any Cell) {
        self.name = name
        self.summary = summary
        self.version = version
        self.origin = origin
        self.options = options
        self.make = make
    }
}

/// A cell option that is not one the cell knows, or has a value it cannot use.
public struct CellOptionError: Error, CustomStringConvertible {
    public let cell: String
    public let message: String
    public init(cell: String, _ message: String) { self.cell = cell; self.message = message }
    public var description: String { "cell '\(cell)': \(message)" }
}

extension CellConfig {
    /// Refuses options not in `known`, so a typo never passes silently.
    public func checkOptions(cell: String, known: [String: String]) throws {
        for key in options.keys.sorted() where known[key] == nil {
            let list = known.isEmpty ? "it takes none" : "it takes \(known.keys.sorted().joined(separator: ", "))"
            throw CellOptionError(cell: cell, "unknown option '\(key)'; \(list)")
        }
    }
}
