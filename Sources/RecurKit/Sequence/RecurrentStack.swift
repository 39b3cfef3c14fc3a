/// The shape of a recurrent stack, as tasks and the command line describe it.
public struct StackConfig: Codable, Sendable, Hashable {
    public var cell: String
    public var hiddenSize: Int
    public var layers: Int
    public var bidirectional: Bool
    /// Dropout on each layer's output except the last (training only), as `nn.LSTM(dropout:)`.
    public var dropout: Float
    /// Adds a layer's input to its output when the widths agree (deep stacks).
    public var residual: Bool
    /// The cell's own options, typed, as its ``PluginOptions`` struct encodes them.
    public var cellOptions: [String: JSONValue]
    /// `generic` runs every cell through autodiff even where it has a fused kernel (`--no-fused`).
    public var path: SequenceDriver.Path
    /// `--recompute K`: the fused pass keeps states only every K steps and recomputes the rest
    /// during backward (``RecomputingSequencePath``), so training memory grows as T/K + K
    /// instead of T in the recurrence; 0 (the default) keeps every step, which is fastest.
    /// Absent in configs written before it existed, which therefore load as 0.
    public var recompute: Int

    public init(cell: String, hiddenSize: Int, layers: Int = 1, bidirectional: Bool = false,
                dropout: Float = 0, residual: Bool = false, cellOptions: [String: JSONValue] = [:],
                path: SequenceDriver.Path = .fused, recompute: Int = 0) {
        self.cell = cell
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.residual = residual
        self.cellOptions = cellOptions
        self.path = path
        self.recompute = recompute
    }

    enum CodingKeys: String, CodingKey {
        case cell, hiddenSize, layers, bidirectional, dropout, residual, cellOptions, path, recompute
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cell = try c.decode(String.self, forKey: .cell)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        layers = try c.decode(Int.self, forKey: .layers)
        bidirectional = try c.decode(Bool.self, forKey: .bidirectional)
        dropout = try c.decode(Float.self, forKey: .dropout)
        residual = try c.decode(Bool.self, forKey: .residual)
        cellOptions = try c.decode([String: JSONValue].self, forKey: .cellOptions)
        path = try c.decode(SequenceDriver.Path.self, forKey: .path)
        // Optional, so that runs and bundles from before `--recompute` load unchanged (as 0, off).
        recompute = try c.decodeIfPresent(Int.self, forKey: .recompute) ?? 0
    }

    /// Refuses a `recompute` no run can use: negative, on the generic path, or with a cell whose
    /// fused path cannot recompute (the message names the cell). `cells` makes one cell to ask.
    public func checkRecompute(cells: Registry<CellDescriptor>) throws {
        guard recompute != 0 else { return }
        guard recompute > 0 else {
            throw RunError("--recompute must be 0 (off) or a positive segment length K (got \(recompute))")
        }
        guard path == .fused else {
            throw RunError("--recompute works on the fused path only; drop --no-fused or --recompute")
        }
        var rng = RandomGenerator(seed: 0)
        let probe = try cells.lookup(cell).make(CellConfig(inputSize: hiddenSize, hiddenSize: hiddenSize, options: cellOptions), &rng)
        guard probe.fusedPath is any RecomputingSequencePath else {
            throw RunError("--recompute: cell '\(cell)' has no fused path to recompute in segments (lstm, gru, rnn and cifg have one); run it without --recompute")
        }
    }

    public var directions: Int { bidirectional ? 2 : 1 }
    public var outputSize: Int { hiddenSize * directions }
}

/// A stack of cells taken from the registry by name: `layers` deep, optionally bidirectional.
///
/// Input `[T, B, X]`, output `[T, B, D·H]` with the forward and reverse outputs concatenated on
/// the feature axis (PyTorch's layout). States are indexed `layer * D + direction` (PyTorch's
/// `h_n` order). Parameter names are PyTorch's: `weight_ih_l0`, `weight_hh_l1_reverse`, …
public final class RecurrentStack: ParameterOwner {
    public let config: StackConfig
    public let inputSize: Int
    /// `cells[layer * D + direction]`.
    public let cells: [any Cell]
    /// Starts as `config.path`; tests and benchmarks may switch it.
    public var path: SequenceDriver.Path
    /// Starts as `config.recompute` (0: keep every state).
    public var recompute: Int

    public init(_ config: StackConfig, inputSize: Int, registry: Registry<CellDescriptor>,
                rng: inout RandomGenerator) throws {
        precondition(config.layers >= 1 && config.hiddenSize >= 1, "RecurrentStack: layers and hidden size must be positive")
        self.config = config
        self.inputSize = inputSize
        let descriptor = try registry.lookup(config.cell)
        var cells: [any Cell] = []
        for layer in 0..<config.layers {
            let width = layer == 0 ? inputSize : config.outputSize
            for _ in 0..<config.directions {
                cells.append(try descriptor.make(CellConfig(inputSize: width, hiddenSize: config.hiddenSize,
                                                            options: config.cellOptions), &rng))
            }
        }
        self.cells = cells
        path = config.path
        recompute = config.recompute
    }

    public var stateSizes: [Int] { cells[0].stateSizes }

    public var namedParameters: [NamedParameter] {
        var all: [NamedParameter] = []
        for (index, cell) in cells.enumerated() {
            let suffix = "_l\(index / config.directions)" + (index % config.directions == 1 ? "_reverse" : "")
            all += cell.namedParameters.map { ($0.name + suffix, $0.variable) }
        }
        return all
    }

    /// Zero states for every layer and direction.
    public func zeroState(batch: Int) -> [[Variable]] { cells.map { $0.zeroState(batch: batch) } }

    /// Runs the stack. `initialState` defaults to zeros; pass a detached carried state for
    /// truncated BPTT. `rng` drives dropout between layers when `training`.
    public func callAsFunction(_ input: Variable, initialState: [[Variable]]? = nil, mask: Tensor? = nil,
                               training: Bool = false, rng: inout RandomGenerator)
        -> (output: Variable, state: [[Variable]]) {
        let batch = input.shape[1]
        let initial = initialState ?? zeroState(batch: batch)
        precondition(initial.count == cells.count, "RecurrentStack: \(initial.count) initial states for \(cells.count) cells")
        var x = input
        var finalStates: [[Variable]] = []
        for layer in 0..<config.layers {
            var outputs: [Variable] = []
            for direction in 0..<config.directions {
                let index = layer * config.directions + direction
                let (output, state) = SequenceDriver.run(cells[index], input: x, initialState: initial[index],
                                                         mask: mask, reverse: direction == 1, path: path,
                                                         recompute: recompute)
                outputs.append(output)
                finalStates.append(state)
            }
            var y = outputs.count == 1 ? outputs[0] : concat(outputs)
            if config.residual && layer > 0 && y.shape == x.shape { y = y + x }
            if layer < config.layers - 1 { y = dropout(y, probability: config.dropout, training: training, rng: &rng) }
            x = y
        }
        return (x, finalStates)
    }

    /// One state component across cells as PyTorch's `[L·D, B, H]` (component 0 is h_n, 1 is c_n).
    public static func stacked(_ states: [[Variable]], component: Int) -> Tensor {
        let parts = states.map { $0[component].value }
        let shape = [parts.count] + parts[0].shape
        return Tensor(shape: shape, scalars: parts.flatMap(\.scalars))
    }
}
