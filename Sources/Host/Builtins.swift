import AddingTask
import CharLMTask
import ClassificationTask
import CopyTask
import GRUCell
import LSTMCell
import RecurKit
import TranslationTask
import VanillaRNNCell

/// The built-in plugins. Adding a cell or task is one target plus one line here.
func registerBuiltins(cells: Registry<CellDescriptor> = Registries.cells, tasks: Registry<TaskDescriptor> = Registries.tasks) throws {
    try cells.register(VanillaRNNPlugin.descriptor)
    try cells.register(LSTMPlugin.descriptor)
    try cells.register(GRUPlugin.descriptor)
    try tasks.register(CharLMPlugin.descriptor)
    try tasks.register(ClassificationPlugin.descriptor)
    try tasks.register(TranslationPlugin.descriptor)
    try tasks.register(AddingPlugin.descriptor)
    try tasks.register(CopyPlugin.descriptor)
}
