import RecurBuiltins
import RecurKit
import VanillaRNNCell
import LSTMCell
import GRUCell

/// A fresh registry holding the built-in cells, as the host registers them.
func builtinCells() -> Registry<CellDescriptor> { Builtins.cells() }
