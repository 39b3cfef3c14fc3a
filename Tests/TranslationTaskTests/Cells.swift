import GRUCell
import LSTMCell
import RecurBuiltins
import RecurKit
import VanillaRNNCell

/// The built-in cells, registered the way the host does.
func builtinCells() -> Registry<CellDescriptor> { Builtins.cells() }
