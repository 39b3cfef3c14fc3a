/// What a cell factory receives: the sizes and any cell-specific options (`--cell-option k=v`).
public struct CellConfig: Codable, Sendable, Hashable {
    public var inputSize: Int
    public var hiddenSize: Int
    /// The cell's own options as stored; the descriptor hands the cell its typed struct.
    public var options: [String: JSONValue]

    public init(inputSize: Int, hiddenSize: Int, options: [String: JSONValue] = [:]) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.options = options
    }
}

/// One recurrent step: `(x_t, state_{t−1}) → (h_t, state_t)`.
///
/// Shapes: `x_t` is `[B, inputSize]`; the state is a list of `[B, stateSizes[i]]` tensors (one
/// for a tanh RNN or a GRU, two — h and c — for an LSTM); the output `h_t` is `[B, hiddenSize]`.
/// ``SequenceDriver`` lifts any cell over time and gives it stacking, bidirection, masking and
/// BPTT. Parameter names are local (`weight_ih`); the stack appends `_l{k}` and `_reverse`, as
/// PyTorch names them.
public protocol Cell: ParameterOwner {
    var inputSize: Int { get }
    var hiddenSize: Int { get }
    /// Width of each state tensor.
    var stateSizes: [Int] { get }
    /// One step; built from autodiff ops, so its gradient comes for free.
    func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable])
    /// A whole-sequence fast path with a hand-written backward, or `nil` (the default).
    var fusedPath: (any FusedSequencePath)? { get }
}

extension Cell {
    public var fusedPath: (any FusedSequencePath)? { nil }

    /// Zeros for every state tensor.
    public func zeroState(batch: Int) -> [Variable] {
        stateSizes.map { Variable(Tensor(zeros: [batch, $0])) }
    }
}

/// A cell's optional whole-sequence implementation. It must equal the step loop in values and
/// gradients (``CellConformance`` checks it).
public protocol FusedSequencePath {
    /// Runs `input` `[T, B, X]` from `initialState`; `mask` `[T, B]` (1 = real step) freezes the
    /// state and zeroes the output at padded steps; `reverse` reads t = T−1 … 0 and stores each
    /// output at its own t. Returns outputs `[T, B, H]` and the final state.
    func run(input: Variable, initialState: [Variable], mask: Tensor?, reverse: Bool)
        -> (output: Variable, state: [Variable])
}
