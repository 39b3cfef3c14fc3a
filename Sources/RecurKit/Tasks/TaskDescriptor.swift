import Foundation

/// A registered task: its name, its typed options, its recipe for the common options, and how
/// to open a session.
///
/// ```swift
/// public static let descriptor = TaskDescriptor(
///     name: "reverse", summary: "Reverse a sequence of digits", version: "0.1.0",
///     options: ReverseOptions.self, defaults: { $0.stack.hiddenSize = 64 }
/// ) { config, options, context in try ReverseSession(config: config, options: options, context: context) }
/// ```
public struct TaskDescriptor: Sendable, RegistryEntry {
    public let name: String
    public let summary: String
    public let version: String
    public var origin: String
    /// The task's own options (names, types, defaults, help), for the command line and checks.
    public let options: OptionSchema
    /// The task's recipe for the common options (`batch`, `seqLen`, `learningRate`, …).
    public let defaults: @Sendable (inout RunConfig) -> Void
    /// Common options this task has no use for, by flag name (`seq-len`), with the reason; the
    /// command line refuses them rather than ignore them silently.
    public let unusedCommonOptions: [String: String]
    /// The validation metric that says which evaluation is best (`--keep-best`, `--early-stop`,
    /// `--lr-schedule plateau`), unless `--monitor` names another.
    public let monitor: Monitor
    private let open: @Sendable (RunConfig, TaskContext) throws -> any TaskSession

    public init<Options: PluginOptions>(
        name: String, summary: String, version: String, origin: String = "built-in",
        options: Options.Type,
        defaults: @escaping @Sendable (inout RunConfig) -> Void = { _ in },
        unusedCommonOptions: [String: String] = [:],
        monitor: Monitor = Monitor("val_loss", .min),
        makeSession: @escaping @Sendable (RunConfig, Options, TaskContext) throws -> any TaskSession
    ) {
        self.name = name
        self.summary = summary
        self.version = version
        self.origin = origin
        let schema = OptionSchema(Options.self, owner: "task '\(name)'")
        self.options = schema
        self.defaults = defaults
        self.unusedCommonOptions = unusedCommonOptions
        self.monitor = monitor
        open = { config, context in
            var context = context
            context.seeds = Seeds(config.seed)
            return try makeSession(config, try schema.decode(config.taskOptions, as: Options.self), context)
        }
    }

    /// A task without options of its own.
    public init(name: String, summary: String, version: String, origin: String = "built-in",
                defaults: @escaping @Sendable (inout RunConfig) -> Void = { _ in },
                unusedCommonOptions: [String: String] = [:], monitor: Monitor = Monitor("val_loss", .min),
                makeSession: @escaping @Sendable (RunConfig, TaskContext) throws -> any TaskSession) {
        self.init(name: name, summary: summary, version: version, origin: origin, options: NoOptions.self,
                  defaults: defaults, unusedCommonOptions: unusedCommonOptions, monitor: monitor) { config, _, context in try makeSession(config, context) }
    }

    /// Builds the data and a freshly initialised model (or, with artifacts in the context, the
    /// vocabulary of a saved run, ready for its weights), after checking the stored options.
    public func makeSession(_ config: RunConfig, _ context: TaskContext) throws -> any TaskSession {
        try open(config, context)
    }

    /// The task's options: the defaults overlaid with `text` (as typed on a command line),
    /// checked and validated, typed as `config.json` stores them.
    public func resolveOptions(_ text: [String: String]) throws -> [String: JSONValue] {
        try options.resolve(stored: options.defaults, text: text)
    }

    /// The run config a new run of this task starts from: the common defaults, then the task's
    /// recipe, with the task's option defaults.
    public func defaultConfig() -> RunConfig {
        var config = RunConfig(task: name, stack: StackConfig(cell: "lstm", hiddenSize: 128))
        config.taskOptions = options.defaults
        defaults(&config)
        return config
    }
}
