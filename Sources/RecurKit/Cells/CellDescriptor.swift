/// A registered cell: its name, what it is, its typed options, whether it has a fused kernel,
/// and how to make one.
///
/// ```swift
/// public static let descriptor = CellDescriptor(name: "mycell", summary: "…", version: "0.1.0") { config, rng in
///     try MyCell(config, rng: &rng)
/// }
/// ```
///
/// A cell with options declares a ``PluginOptions`` struct and receives it checked:
/// `CellDescriptor(name:…, options: RNNOptions.self) { config, options, rng in … }`.
public struct CellDescriptor: Sendable, RegistryEntry {
    public let name: String
    public let summary: String
    public let version: String
    /// `built-in`, or the file a run-time plugin came from.
    public var origin: String
    /// The cell's own options (`--cell-option key=value`), for help, checks and `config.json`.
    public let options: OptionSchema
    /// Whether the cell brings a whole-sequence fused kernel (``Cell/fusedPath``); otherwise
    /// the generic autodiff path runs it.
    public let hasFusedKernel: Bool
    private let build: @Sendable (CellConfig, inout RandomGenerator) throws -> any Cell

    public init<Options: PluginOptions>(
        name: String, summary: String, version: String, origin: String = "built-in", options: Options.Type,
        hasFusedKernel: Bool = false,
        make: @escaping @Sendable (CellConfig, Options, inout RandomGenerator) throws -> any Cell
    ) {
        self.name = name
        self.summary = summary
        self.version = version
        self.origin = origin
        self.hasFusedKernel = hasFusedKernel
        let schema = OptionSchema(Options.self, owner: "cell '\(name)'")
        self.options = schema
        build = { config, rng in try make(config, try schema.decode(config.options, as: Options.self), &rng) }
    }

    /// A cell without options of its own.
    public init(name: String, summary: String, version: String, origin: String = "built-in", hasFusedKernel: Bool = false,
                make: @escaping @Sendable (CellConfig, inout RandomGenerator) throws -> any Cell) {
        self.init(name: name, summary: summary, version: version, origin: origin, options: NoOptions.self,
                  hasFusedKernel: hasFusedKernel) { config, _, rng in try make(config, &rng) }
    }

    /// Makes a cell, after checking `config.options` against the declared ones.
    public func make(_ config: CellConfig, _ rng: inout RandomGenerator) throws -> any Cell {
        try build(config, &rng)
    }
}
