import RecurBuiltins
import RecurKit
import VanillaRNNCell
import LSTMCell
import GRUCell

/// A fresh registry holding the built-in cells, as the host registers them.
func builtinCells() -> Registry<CellDescriptor> { Builtins.cells() }

/// Every built-in cell, sorted: written out, so that a cell added or lost shows in the tests.
let builtinCellNames = ["cifg", "gru", "indrnn", "lnlstm", "lstm", "mgu", "minlstm", "peephole", "rnn", "slstm", "sru"]
