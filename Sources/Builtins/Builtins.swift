import AddingTask
import CaptioningTask
import CIFGCell
import CharLMTask
import ClassificationTask
import ConditionalLMTask
import CopyTask
import GRUCell
import IndRNNCell
import LSTMCell
import LayerNormLSTMCell
import MGUCell
import MinLSTMCell
import PeepholeLSTMCell
import RecurKit
import SLSTMCell
import SRUCell
import TaggingTask
import TranslationTask
import VQATask
import VanillaRNNCell
import VideoTask

/// The built-in plugins, registered once here for the host and for the tests alike. Adding a
/// cell or a task is one target plus one line here.
public func registerBuiltins(cells: Registry<CellDescriptor> = Registries.cells,
                             tasks: Registry<TaskDescriptor> = Registries.tasks) throws {
    try cells.register(VanillaRNNPlugin.descriptor)
    try cells.register(LSTMPlugin.descriptor)
    try cells.register(GRUPlugin.descriptor)
    try cells.register(LayerNormLSTMPlugin.descriptor)
    try cells.register(PeepholeLSTMPlugin.descriptor)
    try cells.register(CIFGPlugin.descriptor)
    try cells.register(MGUPlugin.descriptor)
    try cells.register(IndRNNPlugin.descriptor)
    try cells.register(SRUPlugin.descriptor)
    try cells.register(MinLSTMPlugin.descriptor)
    try cells.register(SLSTMPlugin.descriptor)
    try tasks.register(CharLMPlugin.descriptor)
    try tasks.register(WordLMPlugin.descriptor)
    try tasks.register(ClassificationPlugin.descriptor)
    try tasks.register(TranslationPlugin.descriptor)
    try tasks.register(AddingPlugin.descriptor)
    try tasks.register(CopyPlugin.descriptor)
    try tasks.register(ConditionalLMPlugin.descriptor)
    try tasks.register(TaggingPlugin.descriptor)
    try tasks.register(CaptioningPlugin.descriptor)
    try tasks.register(VQAPlugin.descriptor)
    try tasks.register(VideoPlugin.descriptor)
}

/// Fresh registries holding the built-ins, for code (tests, embedders) that must not touch the
/// process-wide ``Registries``.
public enum Builtins {
    public static func registries() -> (cells: Registry<CellDescriptor>, tasks: Registry<TaskDescriptor>) {
        let cells = Registry<CellDescriptor>(kind: "cell"), tasks = Registry<TaskDescriptor>(kind: "task")
        do { try registerBuiltins(cells: cells, tasks: tasks) } catch { fatalError("the built-in plugins clash: \(error)") }
        return (cells, tasks)
    }

    public static func cells() -> Registry<CellDescriptor> { registries().cells }
    public static func tasks() -> Registry<TaskDescriptor> { registries().tasks }
}
