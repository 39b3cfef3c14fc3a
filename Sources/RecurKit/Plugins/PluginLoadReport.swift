/// What happened to one plugin library: what it registered, or the one line saying why not.
public struct PluginLoadReport: Sendable, Equatable {
    /// The library file, as found.
    public let file: String
    /// Names it registered (empty when it failed).
    public let cells: [String]
    public let tasks: [String]
    /// Why nothing was registered, phrased for the person at the terminal; `nil` on success.
    public let problem: String?

    public init(file: String, cells: [String] = [], tasks: [String] = [], problem: String? = nil) {
        self.file = file
        self.cells = cells
        self.tasks = tasks
        self.problem = problem
    }

    /// One line: `plugin FILE: PROBLEM` (or what it registered).
    public var line: String {
        if let problem { return "plugin \(file): \(problem)" }
        return "plugin \(file): registered " + (cells.map { "cell \($0)" } + tasks.map { "task \($0)" }).joined(separator: ", ")
    }
}
