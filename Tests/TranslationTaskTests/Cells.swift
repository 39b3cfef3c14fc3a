import GRUCell
import LSTMCell
import RecurKit
import VanillaRNNCell

/// The built-in cells, registered the way the host does.
func builtinCells() -> Registry<CellDescriptor> {
    let registry = Registry<CellDescriptor>(kind: "cell")
    for descriptor in [GRUPlugin.descriptor, LSTMPlugin.descriptor, VanillaRNNPlugin.descriptor] { try! registry.register(descriptor) }
    return registry
}
