import ArgumentParser
import RecurKit

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List registered cells and tasks, where plugins were looked for, and plugins that failed to load.")

    enum Kind: String, ExpressibleByArgument, CaseIterable { case cells, tasks }

    @Argument(help: "cells or tasks (default: both).") var kind: Kind?
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let kinds = kind.map { [$0] } ?? Kind.allCases
        var object: [String: Any] = [:]
        for k in kinds {
            let rows: [(name: String, summary: String, version: String, origin: String)] = k == .cells
                ? Registries.cells.all.map { ($0.name, $0.summary, $0.version, $0.origin) }
                : Registries.tasks.all.map { ($0.name, $0.summary, $0.version, $0.origin) }
            if json {
                object[k.rawValue] = rows.map { ["name": $0.name, "summary": $0.summary, "version": $0.version, "origin": $0.origin] }
                continue
            }
            print(k.rawValue)
            let width = rows.map(\.name.count).max() ?? 0
            for r in rows {
                print("  \(r.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(r.version)  \(r.summary)  [\(displayPath(r.origin))]")
            }
        }
        let problems = LoadedPlugins.problems
        if json {
            object["plugins_searched"] = LoadedPlugins.searched
            object["plugin_problems"] = problems.map { ["file": $0.file, "problem": $0.problem ?? ""] }
            try printJSON(object)
        } else {
            print("plugins searched")
            for place in LoadedPlugins.searched { print("  \(place)") }
            if !problems.isEmpty {
                print("plugin problems")
                for report in problems { print("  \(LoadedPlugins.displayLine(report))") }
            }
        }
    }
}
