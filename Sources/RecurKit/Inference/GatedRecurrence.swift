/// A cell whose step is two products and a ``GateKernel``: `gx = W_ih·x + b_ih`,
/// `gh = W_hh·h + b_hh`, then the kernel mixes the gates. ``FusedRecurrence`` is one, so every
/// cell with a fused path (lstm, gru, rnn, …) can step at batch 1 without the tape
/// (``ResidentStack``).
///
/// Shapes: `weightIH` `[G·H, X]`, `weightHH` `[G·H, H]`, `biasIH` and `biasHH` `[G·H]`.
public protocol GatedRecurrence {
    var gateKernel: any GateKernel { get }
    var weightIH: Variable { get }
    var weightHH: Variable { get }
    var biasIH: Variable { get }
    var biasHH: Variable { get }
}

extension FusedRecurrence: GatedRecurrence {
    public var gateKernel: any GateKernel { kernel }
}
