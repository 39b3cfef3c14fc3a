import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure the engine's speed (release builds only give meaningful numbers).",
        subcommands: [BenchGemmCommand.self, BenchCellCommand.self, BenchSampleCommand.self, BenchDecodeCommand.self, BenchConvCommand.self])
}
