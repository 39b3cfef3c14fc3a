import ArgumentParser
import Foundation
import RecurBundle
import RecurKit

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Verify a bundle and show what it holds: manifest, parameters, metrics.")

    @Argument(help: "Bundle file.") var file: String
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let url = URL(fileURLWithPath: file)
        let bundle: RunBundle
        do { bundle = try RunBundle(contentsOf: url) } catch {
            if json { try printJSON(["file": url.path, "verified": false, "error": "\(error)"]) }
            else { print("verification FAILED: \(error)") }
            throw ExitCode(1)
        }
        let m = bundle.manifest
        let parameters = bundle.checkpoint.weights.sorted { $0.key < $1.key }
        // A tied decoder (`--tied`) is stored under both names, as PyTorch's state_dict does,
        // but it is one parameter.
        let tied = m.config.taskOptions["tied"] == .bool(true) ? "decoder.weight" : nil
        let total = parameters.filter { $0.key != tied }.reduce(0) { $0 + $1.value.count }
        if json {
            try printJSON([
                "file": url.path, "verified": true, "format_version": m.formatVersion, "recur_version": m.recurVersion,
                "created": m.created, "task": pluginJSON(m.task, registered: Registries.tasks.all.map { ($0.name, $0.version) }),
                "cell": pluginJSON(m.cell, registered: Registries.cells.all.map { ($0.name, $0.version) }), "step": m.step,
                "metrics": m.metrics, "parameter_count": total,
                "parameters": parameters.map { p -> [String: Any] in
                    var o: [String: Any] = ["name": p.key, "shape": p.value.shape, "count": p.value.count]
                    if p.key == tied { o["tied_to"] = "encoder.weight" }
                    return o
                },
                "members": m.members.mapValues { ["size": $0.size, "sha256": $0.sha256] },
            ])
            return
        }
        print("\(url.path)")
        print("  format \(m.formatVersion), written by recur \(m.recurVersion) on \(m.created)")
        print("  task \(m.task.name) \(m.task.version) [\(m.task.provenance)], cell \(m.cell.name) \(m.cell.version) [\(m.cell.provenance)]")
        for (kind, plugin, registered) in [("task", m.task, Registries.tasks.all.map { ($0.name, $0.version) }),
                                           ("cell", m.cell, Registries.cells.all.map { ($0.name, $0.version) })] where !plugin.isBuiltIn {
            print("  needs the \(kind) plugin '\(plugin.name)' \(plugin.version)\(plugin.library.map { " (\($0))" } ?? ""): "
                  + receiverNote(plugin, registered: registered))
        }
        let s = m.config.stack
        print("  model: \(s.layers)×\(s.cell) hidden \(s.hiddenSize)\(s.bidirectional ? " bidirectional" : ""), trained \(m.step) steps")
        print("  metrics: " + (m.metrics.isEmpty ? "none" : MetricText.line(m.metrics, separator: ", ")))
        print("  parameters (\(total)):")
        let width = parameters.map(\.key.count).max() ?? 0
        for (name, t) in parameters {
            print("    \(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(t.shape.map(String.init).joined(separator: "×").padding(toLength: 12, withPad: " ", startingAt: 0))  "
                  + (name == tied ? "tied to encoder.weight" : "\(t.count)"))
        }
        print("  verified: all \(m.members.count) members match their sizes and SHA-256")
    }
}

/// Whether this machine has the plugin a bundle names, in words for the receiver.
func receiverNote(_ plugin: BundleManifest.Plugin, registered: [(name: String, version: String)]) -> String {
    guard let here = registered.first(where: { $0.name == plugin.name }) else {
        return "not registered here; a receiver must build it (`recur plugin build DIR`) before using this bundle"
    }
    return here.version == plugin.version ? "registered here, same version" : "registered here as version \(here.version)"
}

func pluginJSON(_ plugin: BundleManifest.Plugin, registered: [(name: String, version: String)]) -> [String: Any] {
    var object: [String: Any] = ["name": plugin.name, "version": plugin.version, "origin": plugin.origin,
                                 "registered_version": registered.first { $0.name == plugin.name }?.version ?? NSNull()]
    if let library = plugin.library { object["library"] = library }
    if let sha256 = plugin.sha256 { object["sha256"] = sha256 }
    return object
}
