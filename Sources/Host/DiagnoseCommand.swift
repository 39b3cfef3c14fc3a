import ArgumentParser

struct DiagnoseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose", abstract: "Look inside a model: how gradients flow through time.",
        subcommands: [GradientFlowCommand.self])
}
