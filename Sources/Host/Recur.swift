import ArgumentParser
import RecurKit

struct Recur: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recur",
        abstract: "A workbench for recurrent neural networks: cells as plugins, tasks by name, shareable checkpoints.",
        version: RecurVersion.current,
        subcommands: [ListCommand.self, RunCommand.self, ResumeCommand.self, PredictCommand.self, SampleCommand.self, TranslateCommand.self,
                      ClassifyCommand.self, TagCommand.self, EvalCommand.self, StatesCommand.self,
                      ExportCommand.self, ImportCommand.self, ImportWeightsCommand.self, InspectCommand.self,
                      CheckCellCommand.self, BenchCommand.self, PluginCommand.self, DiagnoseCommand.self, ReportCommand.self,
                      CompareCommand.self, LogCommand.self, ArenaCommand.self, DataCommand.self, VersionCommand.self])
}
