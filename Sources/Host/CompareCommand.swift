import ArgumentParser
import Foundation
import RecurKit

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Overlay several runs' curves and gradient flow on one HTML page, with a table of final metrics.")

    @Argument(help: ArgumentHelp("Run directories or bundles.", valueName: "run-or-bundle")) var runPaths: [String]
    @Option(name: .shortAndLong, help: "Output file (default workspace/reports/compare-<date>.html).") var output: String?

    func validate() throws {
        guard runPaths.count >= 1 else { throw ValidationError("give at least one run or bundle.") }
    }

    func run() throws {
        try reportingErrors {
            let runs = try runPaths.map(ReportedRun.init(path:))
            var page = ReportPage(title: "Comparison: " + runs.map(\.name).joined(separator: ", "))
            let settings: [(String, (RunConfig) -> String)] = [
                ("task", \.task), ("cell", \.stack.cell), ("layers", { "\($0.stack.layers)" }), ("hidden", { "\($0.stack.hiddenSize)" }),
                ("batch", { "\($0.batch)" }), ("lr", { "\($0.learningRate)" }), ("clip", { "\($0.clip)" }), ("seed", { "\($0.seed)" }),
            ]
            page.section(id: "config", heading: "Runs", html: ReportPage.table(
                header: ["run"] + settings.map(\.0),
                rows: runs.map { run in [run.name] + settings.map { $0.1(run.loaded.config) } }))
            let keys = Array(Set(runs.flatMap { $0.finalMetrics.keys })).sorted { ($0 == "step" ? "" : $0) < ($1 == "step" ? "" : $1) }
            page.section(id: "metrics", heading: "Final metrics", html: ReportPage.table(
                header: ["run"] + keys, rows: runs.map { run in [run.name] + keys.map { format(run.finalMetrics[$0]) } }))
            curvesSection(runs, into: &page)
            gradientFlowSection(runs, into: &page)
            let destination = output ?? "\(workspaceDirectory())/reports/compare-\(timestamp()).html"
            let url = URL(fileURLWithPath: destination)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(page.html.utf8).write(to: url, options: .atomic)
            print("report: \(destination)")
        }
    }
}
