import ArgumentParser
import Foundation
import RecurKit

struct GradientFlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradient-flow",
        abstract: "‖∂L_T/∂h_t‖ for every step t of a loss on the last step only.",
        discussion: """
        Each --cell is measured freshly initialised on N(0, 1) inputs (loss: a random unit projection of h_T); \
        each run or bundle is measured on its own task's data and loss. Distance 0 is the last step, \
        distance T the initial state. Cells with a second state (LSTM's c) also report ‖∂L_T/∂c_t‖.
        """)

    @Option(help: "A cell to measure at initialisation (repeatable).") var cell: [String] = []
    @Argument(help: ArgumentHelp("Trained runs or bundles to measure.", valueName: "run-or-bundle")) var runs: [String] = []
    @Option(help: "Sequence length T.") var length: Int = 100
    @Option(help: "Hidden size of the freshly initialised cells.") var hidden: Int = 128
    @Option(name: .customLong("input-size"), help: "Input width of the freshly initialised cells.") var inputSize: Int = 8
    @Option(help: "Sequences averaged over (root mean square).") var batch: Int = 16
    @Option(help: "Random seed (initialisation and inputs).") var seed: UInt64 = 0
    @Flag(help: "Print one JSON object.") var json = false
    // -o/--output as on every command that writes a file; --svg, the older name, still works.
    @Option(name: [.customShort("o"), .customLong("output"), .customLong("svg")], help: ArgumentHelp("Write the log-scale plot to this SVG file.", valueName: "file.svg"))
    var svg: String?

    func validate() throws {
        guard !cell.isEmpty || !runs.isEmpty else { throw ValidationError("give at least one --cell NAME or a run/bundle.") }
        for (value, flag) in [(length, "length"), (hidden, "hidden"), (inputSize, "input-size"), (batch, "batch")] where value < 1 {
            throw ValidationError("--\(flag) must be at least 1 (got \(value)).")
        }
        // The tape keeps every step's input, gates and state and their gradients: about
        // T · B · (X + 8H) floats twice over, plus the cell's weights and theirs. Refused up
        // front, with the figure, when that is more than the machine has.
        func product(_ factors: Int...) -> Int? {
            factors.reduce(Int?(1)) { total, f in total.flatMap { let (p, o) = $0.multipliedReportingOverflow(by: f); return o ? nil : p } }
        }
        let memory = ProcessInfo.processInfo.physicalMemory
        let perStep = product(hidden, 8).flatMap { h in h <= Int.max - inputSize ? h + inputSize : nil }
        let tape = perStep.flatMap { product(length, batch, $0, 8) }
        let weights = hidden <= Int.max - inputSize ? product(hidden, hidden + inputSize, 32) : nil
        let bytes = tape.flatMap { t in weights.flatMap { w in t <= Int.max - w ? t + w : nil } }
        guard let bytes, UInt64(bytes) <= memory else {
            let figure = bytes.map { "about \($0 >> 20) MiB" } ?? "more bytes than a 64-bit count can hold"
            throw ValidationError("--length \(length) × --batch \(batch) × --hidden \(hidden) needs \(figure), more than this machine's \(memory >> 20) MiB.")
        }
    }

    func run() throws {
        try reportingErrors {
            var results: [GradientFlowResult] = []
            for name in cell {
                results.append(try GradientFlow.atInitialisation(cell: name, registry: Registries.cells, length: length, hidden: hidden,
                                                                 inputSize: inputSize, batch: batch, seed: seed))
            }
            for path in runs {
                let loaded = try LoadedRun(path: path)
                results.append(try measureTrained(loaded, length: length, batch: batch, seed: seed))
            }
            if let svg {
                try Data(gradientFlowPlot(results).svg().utf8).write(to: URL(fileURLWithPath: svg), options: .atomic)
            }
            if json {
                try printJSON(["length": length, "results": results.map(\.jsonObject)])
            } else {
                for result in results { print(table(result)) }
                if let svg { print("plot: \(svg)") }
            }
        }
    }

    func table(_ result: GradientFlowResult) -> String {
        let hasC = result.cellStateNorms != nil
        var lines = [String(format: "%@ (T = %d): ‖∂L/∂h‖ decays %.3g× from distance 1 to %d", result.cell, result.length,
                            result.decay(to: result.length), result.length)]
        if let c = result.cellStateNorms {
            lines.append(String(format: "  ‖∂L/∂c‖ decays %.3g× from distance 1 to %d", c[1] / c[result.length], result.length))
        }
        lines.append("distance  ‖∂L/∂h_t‖      log10" + (hasC ? "   ‖∂L/∂c_t‖      log10" : ""))
        for (d, norm) in result.norms.enumerated() {
            var line = String(format: "%8d  %-12.4e %7.2f", d, norm, log10(norm))
            if let c = result.cellStateNorms { line += String(format: "   %-12.4e %7.2f", c[d], log10(c[d])) }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A trained run's top layer on its task's own data and last-step loss.
func measureTrained(_ loaded: LoadedRun, length: Int, batch: Int, seed: UInt64) throws -> GradientFlowResult {
    guard let probing = loaded.session as? any GradientFlowProbing else {
        throw UserError("task '\(loaded.config.task)' does not offer a gradient-flow probe (it needs GradientFlowProbing)")
    }
    try loaded.requireData(to: "measure it (or import it and measure the run directory)")
    var rng = RandomGenerator(seed: seed)
    let result = try GradientFlow.measure(try probing.gradientFlowProbe(length: length, batch: batch, rng: &rng))
    let name = "\(result.cell) (\(URL(fileURLWithPath: loaded.source).deletingPathExtension().lastPathComponent))"
    return GradientFlowResult(cell: name, norms: result.norms, cellStateNorms: result.cellStateNorms)
}

extension GradientFlowResult {
    var jsonObject: [String: Any] {
        var object: [String: Any] = ["cell": cell, "norms": norms, "distance_unit": "steps before the last"]
        if let cellStateNorms { object["cell_state_norms"] = cellStateNorms }
        return object
    }
}
