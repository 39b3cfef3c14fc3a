import ArgumentParser
import Foundation
import RecurKit
import RecurPlot

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML page about a run: config, curves, metrics, samples, gradient flow.")

    @Argument(help: ArgumentHelp("Run directory or bundle.", valueName: "run-or-bundle")) var runPath: String
    @Option(name: .shortAndLong, help: "Output file (default: report.html in the run directory, or beside the bundle).") var output: String?

    func run() throws {
        try reportingErrors {
            let run = try ReportedRun(path: runPath)
            let config = run.loaded.config
            var page = ReportPage(title: "\(run.name): \(config.task) with \(config.stack.layers)×\(config.stack.cell) \(config.stack.hiddenSize)")
            page.section(id: "config", heading: "Configuration",
                         html: ReportPage.table(header: ["setting", "value"], rows: try run.configRows()))
            let metrics = run.finalMetrics
            page.section(id: "metrics", heading: "Final metrics",
                         html: ReportPage.table(header: ["metric", "value"], rows: metrics.keys.sorted().map { [$0, format(metrics[$0])] }))
            curvesSection([run], into: &page)
            taskFilesSection(run, into: &page)
            if let generator = run.loaded.session as? any TextGenerating {
                var rng = RandomGenerator(seed: 0)
                var text = ""
                try generator.generate(prime: "", length: 400, temperature: 0.8, topK: nil, rng: &rng) { text += $0 }
                page.section(id: "sample", heading: "Sample (400 characters, temperature 0.8, seed 0)", preformatted: text)
                if let inspecting = run.loaded.session as? any SignalInspecting, !text.isEmpty {
                    // The model reading its own sample: what its most variable memory unit tracks.
                    let (stack, input, tokens) = try inspecting.signalInput(text: String(text.prefix(200)))
                    let recorded = RecordedSignals.record(stack, input: input)
                    let top = recorded.layers.count - 1
                    let name = recorded.layers[top].names.contains("c") ? "c" : "h"
                    let unit = SignalPicture.mostVariable(recorded.layers[top].values[name]!, count: 1)[0]
                    let picture = SignalPicture(recorded: recorded, tokens: tokens, layer: top, name: name, unit: unit)
                    page.section(id: "states", heading: "Inside the cell: unit \(top):\(name):\(unit) over the sample (recur states)",
                                 html: ReportPage.figure(picture.svg(footer: "the first 200 characters of the sample above")))
                }
            }
            if let illustrating = run.loaded.session as? any ReportIllustrating {
                var rng = RandomGenerator(seed: 0)
                do {
                    for (index, figure) in try illustrating.reportFigures(rng: &rng).enumerated() {
                        switch figure {
                        case let .text(title, body):
                            page.section(id: "figure-\(index)", heading: title, preformatted: body)
                        case let .heatmap(title, rowLabels, columnLabels, values, xLabel, yLabel):
                            let map = Heatmap(title: title, rowLabels: rowLabels, columnLabels: columnLabels, values: values,
                                              xLabel: xLabel, yLabel: yLabel)
                            page.section(id: "figure-\(index)", heading: title, html: ReportPage.figure(map.svg()))
                        case let .image(title, image, caption):
                            page.section(id: "figure-\(index)", heading: title, html: ReportPage.image(png: try image.pngData(), caption: caption))
                        }
                    }
                } catch {
                    // The rest of the report is still worth having (a bundle's data is not here, say).
                    page.section(id: "figures", heading: "Task figures", html: "<p>" + ReportPage.escape("none: \(error)") + "</p>")
                }
            }
            gradientFlowSection([run], into: &page)
            let destination = output ?? defaultDestination(run)
            try Data(page.html.utf8).write(to: URL(fileURLWithPath: destination), options: .atomic)
            print("report: \(destination)")
        }
    }

    /// What the task's evaluations wrote beside the run (a confusion matrix as a picture and a
    /// table, entity scores): pictures first, then tables, by file name.
    func taskFilesSection(_ run: ReportedRun, into page: inout ReportPage) {
        let pictures = run.artifacts.keys.filter { $0.hasSuffix(".svg") }.sorted()
        let tables = run.artifacts.keys.filter { $0.hasSuffix(".txt") }.sorted()
        guard !pictures.isEmpty || !tables.isEmpty else { return }
        var html = pictures.map { ReportPage.image(svg: run.artifacts[$0]!, caption: "\($0), from the last evaluation") }
        for name in tables {
            let text = String(decoding: run.artifacts[name]!.prefix(64 << 10), as: UTF8.self)
            let cut = run.artifacts[name]!.count > 64 << 10 ? "\n… (the first 64 KiB of \(run.artifacts[name]!.count) bytes)" : ""
            html.append("<h3>\(ReportPage.escape(name))</h3>\n<pre>\(ReportPage.escape(text + cut))</pre>")
        }
        page.section(id: "task-files", heading: "Evaluation files", html: html.joined(separator: "\n"))
    }

    func defaultDestination(_ run: ReportedRun) -> String {
        if let directory = run.loaded.directory { return directory.url.appendingPathComponent("report.html").path }
        return URL(fileURLWithPath: run.loaded.source).deletingPathExtension().appendingPathExtension("html").path
    }
}
