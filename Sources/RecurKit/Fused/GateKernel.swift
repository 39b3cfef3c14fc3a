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

    /// Computes the next state from `gx`, `gh` (scratch: the kernel may overwrite it) and the
    /// previous state; saves what backward needs in `cache`.
    func forward(rows: Int, hidden: Int, gx: UnsafePointer<Float>, gh: UnsafeMutablePointer<Float>,
                 previous: [UnsafePointer<Float>], next: [UnsafeMutablePointer<Float>],
                 cache: UnsafeMutablePointer<Float>)

    /// From the gradients of the next state, writes the gradients of `gx` and `gh` and the
    /// *direct* gradients of the previous state (those not through `W_hh`, which the caller adds).
    func backward(rows: Int, hidden: Int, cache: UnsafePointer<Float>, previous: [UnsafePointer<Float>],
                  gradNext: [UnsafePointer<Float>], gradGx: UnsafeMutablePointer<Float>,
                  gradGh: UnsafeMutablePointer<Float>, gradPrevious: [UnsafeMutablePointer<Float>])
}
