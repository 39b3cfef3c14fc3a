import Foundation
import RecurKit
import RecurPlot

/// One task's ranking: each cell's best monitored value over seeds (mean ± standard
/// deviation), its size and speed, and its difference from the baseline with Welch's 95% interval.
struct ArenaLeaderboard {
    struct Row {
        var cell: String
        var scores: [Double]
        var summary: SeedSummary
        var hidden: Int
        var stackParameters: Int
        var itemsPerSecond: Double?
        var seconds: Double?
        var versusBaseline: WelchInterval?
    }

    let task: String
    let monitor: Monitor
    let baseline: String
    let rows: [Row]

    /// `better`, `worse` or `tie` (interval across 0), by the metric's goal.
    func verdict(_ interval: WelchInterval) -> String {
        if interval.isTie { return "tie" }
        return (interval.difference < 0) == (monitor.goal == .min) ? "better" : "worse"
    }

    var text: String {
        var lines = ["\(task): \(monitor.metric) (\(monitor.goal == .min ? "lower" : "higher") is better), best over each run's evaluations; vs \(baseline) with Welch's 95% interval"]
        let header = ["cell", "seeds", "mean ± sd", "hidden", "rnn params", "items/s", "seconds", "vs baseline"]
        var table = [header]
        for row in rows {
            let sd = row.summary.standardDeviation.map { " ± " + MetricText.value(monitor.metric, $0) } ?? ""
            let versus: String
            if row.cell == baseline { versus = "baseline" } else if let interval = row.versusBaseline {
                versus = String(format: "%+.4f [%+.4f, %+.4f] %@", interval.difference, interval.lower, interval.upper, verdict(interval))
            } else { versus = "n/a (one seed)" }
            table.append([row.cell, "\(row.summary.count)", MetricText.value(monitor.metric, row.summary.mean) + sd, "\(row.hidden)",
                          "\(row.stackParameters)", row.itemsPerSecond.map { String(format: "%.0f", $0) } ?? "?",
                          row.seconds.map { String(format: "%.1f", $0) } ?? "?", versus])
        }
        let widths = header.indices.map { c in table.map { $0[c].count }.max()! }
        for row in table { lines.append("  " + row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ")) }
        return lines.joined(separator: "\n") + "\n"
    }

    var json: [String: Any] {
        ["task": task, "monitor": monitor.metric, "goal": monitor.goal.rawValue, "baseline": baseline,
         "rows": rows.map { row -> [String: Any] in
             var o: [String: Any] = ["cell": row.cell, "seeds": row.summary.count, "mean": row.summary.mean, "scores": row.scores,
                                     "hidden": row.hidden, "stack_parameters": row.stackParameters]
             o["sd"] = row.summary.standardDeviation
             o["items_per_second"] = row.itemsPerSecond
             o["seconds"] = row.seconds
             if let i = row.versusBaseline {
                 o["vs_baseline"] = ["difference": i.difference, "lower": i.lower, "upper": i.upper, "degrees_of_freedom": i.degreesOfFreedom,
                                     "verdict": verdict(i)]
             }
             return o
         }]
    }
}

extension Arena {
    /// The leaderboards of every task of `plan`, from results.jsonl (timing from each job's arena.json).
    func leaderboards(_ plan: ArenaPlan) throws -> [ArenaLeaderboard] {
        let results = try recorded()
        return plan.tasks.map { task in
            let jobs = plan.jobs.filter { $0.task.name == task.name }
            let found = jobs.compactMap { results[$0.key] }
            let monitor = found.first.map { Monitor($0.monitor, Monitor.Goal(rawValue: $0.goal) ?? .min) } ?? task.monitor
            func scores(_ cell: String) -> [Double] { found.filter { $0.cell == cell }.map(\.best) }
            let timings = jobs.compactMap { try? Self.readResult($0) }
            var rows = plan.cells.compactMap { cell -> ArenaLeaderboard.Row? in
                let mine = found.filter { $0.cell == cell }
                guard let first = mine.first else { return nil }
                let timed = timings.filter { $0.cell == cell }
                func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
                return ArenaLeaderboard.Row(
                    cell: cell, scores: scores(cell), summary: SeedSummary(scores(cell)), hidden: first.hidden,
                    stackParameters: first.stackParameters, itemsPerSecond: mean(timed.compactMap(\.itemsPerSecond)),
                    seconds: mean(timed.compactMap(\.seconds)),
                    versusBaseline: cell == plan.baseline ? nil : WelchInterval(scores(cell), scores(plan.baseline)))
            }
            rows.sort { monitor.goal == .min ? $0.summary.mean < $1.summary.mean : $0.summary.mean > $1.summary.mean }
            return ArenaLeaderboard(task: task.name, monitor: monitor, baseline: plan.baseline, rows: rows)
        }
    }

    /// Gradient flow through each cell's trained model (seed 0) on this task, when the task offers
    /// a probe (`GradientFlowProbing`): ‖∂L_T/∂h_t‖ against the distance T − t, on one plot.
    private func gradientFlowFigure(task: String, plan: ArenaPlan) -> String {
        var results: [GradientFlowResult] = []
        for cell in plan.cells {
            guard let job = plan.jobs.first(where: { $0.task.name == task && $0.cell.label == cell && $0.seed == 0 }),
                  let loaded = try? LoadedRun(path: job.directory.url.path), loaded.session is any GradientFlowProbing,
                  let measured = try? measureTrained(loaded, length: 50, batch: 8, seed: 0) else { continue }
            results.append(GradientFlowResult(cell: cell, norms: measured.norms, cellStateNorms: nil))
        }
        guard !results.isEmpty else { return "" }
        var plot = gradientFlowPlot(results)
        plot.title = "\(task): gradient flow through the trained models (seed 0, 50 steps)"
        return "<div id=\"gradient-flow-\(task)\">" + plot.svg() + "</div>\n"
    }

    /// arena.html: each task's table and the validation curve of every cell (mean over seeds,
    /// with the ±1 sd edges dashed) against steps and against wall time.
    func writePage(_ boards: [ArenaLeaderboard], plan: ArenaPlan) throws {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        var body = "<h1>Arena</h1>\n<p>\(plan.jobs.count) jobs: \(escape(plan.cells.joined(separator: ", "))) on \(escape(plan.tasks.map(\.name).joined(separator: ", "))), baseline \(escape(plan.baseline)).</p>\n"
        if !plan.choices.isEmpty { body += "<ul>" + plan.choices.map { "<li>\(escape($0))</li>" }.joined() + "</ul>\n" }
        for board in boards {
            body += "<section id=\"task-\(escape(board.task))\"><h2>\(escape(board.task))</h2>\n<pre id=\"leaderboard-\(escape(board.task))\">\(escape(board.text))</pre>\n"
            for axis in ["step", "seconds"] {
                var plot = LinePlot(title: "\(board.task): \(board.monitor.metric)", xLabel: axis == "step" ? "step" : "wall time (s)",
                                    yLabel: board.monitor.metric)
                var legend: [LinePlot.LegendEntry] = []
                for (index, cell) in plan.cells.enumerated() {
                    let jobs = plan.jobs.filter { $0.task.name == board.task && $0.cell.label == cell }
                    let curves = jobs.compactMap { job -> [(x: Double, y: Double)]? in
                        guard let data = try? RegularFile.read(job.directory.logURL, limit: RunLog.sizeLimit),
                              let log = try? RunLog(data, source: job.directory.logURL.path) else { return nil }
                        let points = log.series(board.monitor.metric)
                        guard axis == "seconds", let seconds = (try? Self.readResult(job))?.seconds, let last = points.last?.x, last > 0 else { return points }
                        return points.map { (x: $0.x * seconds / last, y: $0.y) }
                    }
                    guard let reference = curves.first, !reference.isEmpty else { continue }
                    var mean: [(x: Double, y: Double)] = [], low: [(x: Double, y: Double)] = [], high: [(x: Double, y: Double)] = []
                    for i in reference.indices {
                        let values = curves.compactMap { i < $0.count ? $0[i].y : nil }
                        let x = curves.compactMap { i < $0.count ? $0[i].x : nil }.reduce(0, +) / Double(values.count)
                        let summary = SeedSummary(values)
                        mean.append((x, summary.mean))
                        if let sd = summary.standardDeviation { low.append((x, summary.mean - sd)); high.append((x, summary.mean + sd)) }
                    }
                    let colour = Palette.line(index)
                    plot.series.append(.init(name: cell, points: mean, colour: colour))
                    if !low.isEmpty {
                        plot.series.append(.init(name: "\(cell) −sd", points: low, dashed: true, colour: colour))
                        plot.series.append(.init(name: "\(cell) +sd", points: high, dashed: true, colour: colour))
                    }
                    legend.append(.init(name: cell, colour: colour))
                }
                plot.legend = legend + [.init(name: "±1 sd over seeds", colour: "#888888", dashed: true)]
                body += "<div id=\"curves-\(escape(board.task))-\(axis)\">" + plot.svg() + "</div>\n"
            }
            body += gradientFlowFigure(task: board.task, plan: plan)
            body += "</section>\n"
        }
        let page = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Recur arena</title><style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}pre{background:#f6f6f6;padding:1em;overflow-x:auto}</style></head><body>\n\(body)</body></html>\n"
        try AtomicFile.write(Data(page.utf8), to: pageURL)
    }
}
