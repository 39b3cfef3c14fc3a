import ArgumentParser
import Foundation
import RecurKit
import RecurPlot

/// `recur states`: run a trained model over a text and show what its cells do — every named
/// signal of every layer (LSTM i, f, g, o, c, h; GRU r, z, n, h; others h), gate saturation,
/// and an SVG of one unit over the text with a heatmap of the most variable units.
struct StatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "states", abstract: "Look inside a trained model's cells over a text: gates, memory, saturation.")

    @Argument(help: ArgumentHelp("Run directory or bundle.", valueName: "run-or-bundle")) var runPath: String
    @OptionGroup var weights: BestWeightsOption
    @Option(help: "The text to read.") var text: String
    @Option(help: ArgumentHelp("The unit the SVG colours the text by, LAYER:SIGNAL:UNIT (default: the most variable unit of the top layer's first memory signal).",
                               valueName: "l:name:k")) var unit: String?
    // -o/--output as on every command that writes a file; --svg, the older name, still works.
    @Option(name: [.customShort("o"), .customLong("output"), .customLong("svg")],
            help: ArgumentHelp("Write the picture: the text coloured by --unit, and the most variable units over the text.", valueName: "file.svg"))
    var svg: String?
    @Flag(help: "Print every recorded value as one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            let loaded = try LoadedRun(path: runPath, best: weights.best)
            guard let inspecting = loaded.session as? any SignalInspecting else {
                throw UserError("task '\(loaded.config.task)' does not read text token by token; `recur states` works with char-lm runs")
            }
            let (stack, input, tokens) = try inspecting.signalInput(text: text)
            let recorded = RecordedSignals.record(stack, input: input)
            let chosen = try choose(recorded)
            if let svg { try writePicture(recorded, tokens: tokens, chosen: chosen, to: svg) }
            if json {
                try printJSON(["tokens": tokens, "unit": "\(chosen.layer):\(chosen.name):\(chosen.unit)",
                               "layers": recorded.layers.map { layer in layer.values.mapValues { $0.map { $0.map(Double.init) } } },
                               "saturation": recorded.saturation().map {
                                   ["layer": $0.layer, "gate": $0.gate, "left": $0.left, "right": $0.right] as [String: Any]
                               }])
                return
            }
            print(summary(recorded, chosen: chosen, tokens: tokens))
        }
    }

    /// The signal and unit to colour by: `--unit`, or the top layer's most variable unit of its
    /// memory (c for an LSTM, else h).
    func choose(_ recorded: RecordedSignals) throws -> (layer: Int, name: String, unit: Int) {
        if let unit {
            let parts = unit.split(separator: ":").map(String.init)
            guard parts.count == 3, let layer = Int(parts[0]), let k = Int(parts[2]) else {
                throw UserError("--unit \(unit): expected LAYER:SIGNAL:UNIT, such as 0:c:17")
            }
            guard recorded.layers.indices.contains(layer) else {
                throw UserError("--unit \(unit): the model has layers 0…\(recorded.layers.count - 1)")
            }
            let names = recorded.layers[layer].names
            guard let series = recorded.layers[layer].values[parts[1]] else {
                throw UserError("--unit \(unit): layer \(layer) records \(names.joined(separator: ", "))")
            }
            guard (0..<(series.first?.count ?? 0)).contains(k) else {
                throw UserError("--unit \(unit): signal \(parts[1]) has units 0…\((series.first?.count ?? 1) - 1)")
            }
            return (layer, parts[1], k)
        }
        let layer = recorded.layers.count - 1
        let name = recorded.layers[layer].names.contains("c") ? "c" : "h"
        return (layer, name, SignalPicture.mostVariable(recorded.layers[layer].values[name]!, count: 1)[0])
    }

    func summary(_ recorded: RecordedSignals, chosen: (layer: Int, name: String, unit: Int), tokens: [String]) -> String {
        var lines: [String] = ["\(tokens.count) steps, \(recorded.layers.count) layer(s)"]
        for (index, layer) in recorded.layers.enumerated() {
            let units = layer.values[layer.names[0]]?.first?.count ?? 0
            lines.append("layer \(index) (\(units) units): " + layer.names.map { name in
                let all = layer.values[name]!.flatMap { $0 }
                let mean = all.reduce(0, +) / Float(max(all.count, 1))
                return String(format: "%@ mean %.3f", name, mean)
            }.joined(separator: ", "))
        }
        for gate in recorded.saturation() {
            let left = gate.left.reduce(0, +) / Double(max(gate.left.count, 1))
            let right = gate.right.reduce(0, +) / Double(max(gate.right.count, 1))
            let mostlyLeft = gate.left.filter { $0 > 0.5 }.count, mostlyRight = gate.right.filter { $0 > 0.5 }.count
            lines.append(String(format: "layer %d gate %@: %.0f%% of the time < 0.1, %.0f%% > 0.9; %d units mostly closed, %d mostly open",
                                gate.layer, gate.gate, left * 100, right * 100, mostlyLeft, mostlyRight))
        }
        let series = recorded.layers[chosen.layer].values[chosen.name]!.map { $0[chosen.unit] }
        lines.append("unit \(chosen.layer):\(chosen.name):\(chosen.unit) over the text:")
        lines.append(zip(tokens, series).map { String(format: "%@ %+.2f", $0 == "\n" ? "↵" : $0, $1) }.joined(separator: "  "))
        return lines.joined(separator: "\n")
    }

    func writePicture(_ recorded: RecordedSignals, tokens: [String], chosen: (layer: Int, name: String, unit: Int), to path: String) throws {
        let footer = "recur states \(URL(fileURLWithPath: runPath).lastPathComponent): layer \(chosen.layer), signal \(chosen.name), unit \(chosen.unit)"
        let svg = SignalPicture(recorded: recorded, tokens: tokens, layer: chosen.layer, name: chosen.name, unit: chosen.unit).svg(footer: footer)
        try AtomicFile.write(Data(svg.utf8), to: URL(fileURLWithPath: path))
    }
}
