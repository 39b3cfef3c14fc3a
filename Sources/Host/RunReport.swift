import Foundation
import RecurKit
import RecurPlot

/// What `report` and `compare` draw from one saved run.
struct ReportedRun {
    let loaded: LoadedRun
    let log: RunLog
    /// Why the log has no curves, when it has none ("no log.jsonl", …), for the page to say.
    let logNote: String
    /// The run's task files (vocabularies, and what evaluations wrote: confusion matrices, …).
    let artifacts: [String: Data]
    /// The run directory's (or bundle's) name: the legend label.
    let name: String

    init(path: String) throws {
        loaded = try LoadedRun(path: path)
        let data: Data
        var missing = false
        if let bundle = loaded.bundle {
            data = bundle.log
            artifacts = bundle.artifacts
        } else {
            let directory = loaded.directory!
            missing = RegularFile.kind(of: directory.logURL.path) == .missing
            data = missing ? Data() : try RegularFile.read(directory.logURL, limit: RunLog.sizeLimit)
            artifacts = try directory.readArtifacts()
        }
        log = try RunLog(data, source: loaded.bundle == nil ? loaded.directory!.logURL.path : "\(loaded.source): log.jsonl")
        logNote = missing ? "the run has no log.jsonl" : log.numericKeys.isEmpty ? "log.jsonl has no numeric fields to plot" : ""
        name = URL(fileURLWithPath: loaded.source).deletingPathExtension().lastPathComponent
    }

    /// The last evaluation in the log, else the checkpoint's metrics.
    var finalMetrics: [String: Double] {
        var metrics = log.finalEvaluation ?? loaded.checkpoint.position.metrics
        metrics["step"] = Double(loaded.checkpoint.position.step)
        return metrics
    }

    /// The probe length: the task's own `--length` when it has one, else its sequence length.
    var probeLength: Int {
        if case .int(let length)? = loaded.config.taskOptions["length"] { return length }
        return loaded.config.seqLen
    }

    /// The flattened run config as (key, value) rows: `stack.cell`, `taskOptions.length`, …
    func configRows() throws -> [[String]] {
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(loaded.config)) as? [String: Any] ?? [:]
        var rows: [[String]] = []
        func walk(_ value: Any, _ key: String) {
            if let dict = value as? [String: Any] {
                for k in dict.keys.sorted() { walk(dict[k]!, key.isEmpty ? k : "\(key).\(k)") }
            } else if let number = value as? NSNumber, String(cString: number.objCType) == "c" {
                // JSON booleans arrive as char-typed NSNumbers, which print as 0/1.
                rows.append([key, number.boolValue ? "true" : "false"])
            } else {
                rows.append([key, "\(value)"])
            }
        }
        walk(object, "")
        return rows
    }
}

/// Metric values formatted for tables.
func format(_ value: Double?) -> String {
    guard let value else { return "–" }
    if value == value.rounded() && abs(value) < 1e9 { return String(Int(value)) }
    return String(format: "%.4g", value)
}

/// The gradient-flow section of a report, or a note saying why there is none.
func gradientFlowSection(_ runs: [ReportedRun], into page: inout ReportPage) {
    var results: [GradientFlowResult] = []
    var notes: [String] = []
    for run in runs {
        do { results.append(try measureTrained(run.loaded, length: run.probeLength, batch: 16, seed: 0)) } catch {
            notes.append("\(run.name): \(error)")
        }
    }
    var html = ""
    if !results.isEmpty {
        html += ReportPage.figure(gradientFlowPlot(results).svg(),
                                  caption: "‖∂L_T/∂h_t‖ of the trained model's top layer for a loss on the last step, on its task's data (16 sequences, seed 0).")
        html += ReportPage.table(header: ["model", "T", "‖∂L/∂h‖ at distance 1", "at distance T", "decay"], rows: results.map {
            [$0.cell, "\($0.length)", format($0.norms[1]), format($0.norms[$0.length]), String(format: "%.3g×", $0.decay(to: $0.length))]
        })
    }
    if !notes.isEmpty { html += "<p>" + notes.map(ReportPage.escape).joined(separator: "<br>") + "</p>" }
    page.section(id: "gradient-flow", heading: "Gradient flow through time", html: html)
}
