/// The element-wise heart of a gated recurrence whose pre-activations are
/// `gx = W_ih·x + b_ih` and `gh = W_hh·h + b_hh` (each `G·H` wide, gate blocks side by side as
/// PyTorch orders them). ``FusedRecurrence`` does all matrix products; a kernel only mixes gates.
///
/// All buffers are row-major over `rows` batch rows: `gx`/`gh` rows are `G·H` long, state rows
/// `H`, cache rows `cacheWidth·H`.
public protocol GateKernel: Sendable {
    /// G: gate blocks in W_ih (1 tanh RNN, 4 LSTM, 3 GRU).
    var gateCount: Int { get }
    /// State tensors; state 0 is h, which is also the output.
    var stateCount: Int { get }
    /// Saved activations per row, in multiples of H.
    var cacheWidth: Int { get }
    /// Whether ∂gx = ∂gh always (each gate reads gx + gh, as in the LSTM and tanh RNN; not the
    /// GRU, whose candidate scales gh by r). Then a forward-running pass keeps one `[T·B, G·H]`
    /// gradient buffer instead of two — 2.6 GB less for an LSTM of 512 at B = 32, T = 10,000.
    var gradientsOfGxAndGhAgree: Bool { get }

    /// Computes the next state from `gx`, `gh` (scratch: the kernel may overwrite it) and the
    /// previous state; saves what backward needs in `cache`.
    func forward(rows: Int, hidden: Int, gx: UnsafePointer<Float>, gh: UnsafeMutablePointer<Float>,
                 previous: [UnsafePointer<Float>], next: [UnsafeMutablePointer<Float>],
                 cache: UnsafeMutablePointer<Float>)

    /// Whether ``forward(rows:hidden:gx:gh:previous:next:cache:)`` and ``backward(rows:hidden:cache:previous:gradNext:gradGx:gradGh:gradPrevious:)``
    /// read previous state `s` (the LSTM's gates read `c₋₁` but never `h₋₁`, which reaches them
    /// only through `W_hh`). The packed sweep copies only the states a kernel reads into its
    /// tiles; the default, every state, is always safe.
    func readsPrevious(_ s: Int) -> Bool

    /// From the gradients of the next state, writes the gradients of `gx` and `gh` and the
    /// *direct* gradients of the previous state (those not through `W_hh`, which the caller adds).
    /// When ``gradientsOfGxAndGhAgree``, `gradGh` may be `gradGx` itself, and is then written once.
    func backward(rows: Int, hidden: Int, cache: UnsafePointer<Float>, previous: [UnsafePointer<Float>],
                  gradNext: [UnsafePointer<Float>], gradGx: UnsafeMutablePointer<Float>,
                  gradGh: UnsafeMutablePointer<Float>, gradPrevious: [UnsafeMutablePointer<Float>])
}

extension GateKernel {
    public var gradientsOfGxAndGhAgree: Bool { false }
    public func readsPrevious(_ s: Int) -> Bool { true }
}
