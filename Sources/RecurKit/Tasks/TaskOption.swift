/// A task-specific option (`--embedding 64`), declared by the task so the host can show it in
/// `recur run --help`, check it, and store it in `config.json`.
public struct TaskOption: Sendable, Codable, Hashable {
    public let name: String
    public let defaultValue: String
    public let help: String

    public init(_ name: String, default defaultValue: String, help: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// A task option value that does not parse or is out of range.
public struct TaskOptionError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension RunConfig {
    /// The value of a declared task option, as `T`, or a clear error.
    public func taskOption<T: LosslessStringConvertible>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let text = taskOptions[name] else { throw TaskOptionError("option --\(name) is missing from the run config") }
        guard let value = T(text) else { throw TaskOptionError("--\(name) \(text): not a valid \(T.self)") }
        // Task options size things (lengths, widths, counts); past 2²⁴ one would allocate more
        // than any machine has, and could overflow the arithmetic built on it.
        if let number = value as? Int, number > 1 << 24 || number < -(1 << 24) {
            throw TaskOptionError("--\(name) \(number) is beyond any usable size (at most \(1 << 24))")
        }
        return value
    }
}
