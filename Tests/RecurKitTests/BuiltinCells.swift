import RecurKit
import VanillaRNNCell
import LSTMCell
import GRUCell

/// A fresh registry holding the built-in cells, as the host registers them.
func builtinCells() -> Registry<CellDescriptor> {
    let registry = Registry<CellDescriptor>(kind: "cell")
    for d in [VanillaRNNPlugin.descriptor, LSTMPlugin.descriptor, GRUPlugin.descriptor] { try! registry.register(d) }
    return registry
}
