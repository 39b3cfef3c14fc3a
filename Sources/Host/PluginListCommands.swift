import ArgumentParser
import Foundation
import RecurKit

/// `recur plugin list`: the packages `plugin build` recorded, and what each registered this time.
struct PluginListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Show the plugin packages recorded by `recur plugin build` and what each registered.")

    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            let list = try PluginList.read()
            let rows = list.plugins.map { entry -> [String: Any] in
                let prefix = URL(fileURLWithPath: entry.package).resolvingSymlinksInPath().path + "/"
                let reports = LoadedPlugins.reports.filter {
                    URL(fileURLWithPath: $0.file).resolvingSymlinksInPath().path.hasPrefix(prefix) || $0.file == entry.package
                }
                return ["name": entry.name, "package": entry.package,
                        "libraries": reports.filter { $0.problem == nil }.map(\.file),
                        "cells": reports.flatMap(\.cells), "tasks": reports.flatMap(\.tasks),
                        "problems": reports.compactMap(\.problem)]
            }
            if json {
                try printJSON(["list": PluginList.url.path, "plugins": rows])
                return
            }
            print("plugin list \(PluginList.url.path)")
            if rows.isEmpty { print("  (empty: `recur plugin build DIR` records a package here)") }
            for row in rows {
                let names = (row["cells"] as! [String]).map { "cell \($0)" } + (row["tasks"] as! [String]).map { "task \($0)" }
                let problems = row["problems"] as! [String]
                let state = !problems.isEmpty ? problems.joined(separator: "; ")
                    : names.isEmpty ? "nothing built yet (`recur plugin build \(row["package"]!)`)" : names.joined(separator: ", ")
                print("  \(row["name"]!)  \(row["package"]!)  \(state)")
            }
        }
    }
}

/// `recur plugin remove NAME`: forgets a recorded package (its files stay where they are).
struct PluginRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Forget a plugin package recorded by `recur plugin build` (its files are left alone).")

    @Argument(help: "The plugin's name, as `recur plugin list` shows it.") var name: String

    func run() throws {
        try reportingErrors {
            var list = try PluginList.read()
            guard let entry = list.plugins.first(where: { $0.name == name }) else {
                let known = list.plugins.map(\.name)
                throw UserError("no plugin '\(name)' in \(PluginList.url.path); " + (known.isEmpty ? "the list is empty" : "listed: \(known.joined(separator: ", "))"))
            }
            list.plugins.removeAll { $0.name == name }
            try list.write()
            print("removed \(name) (\(entry.package)) from \(PluginList.url.path)")
        }
    }
}
