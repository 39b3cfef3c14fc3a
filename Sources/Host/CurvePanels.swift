import Foundation
import RecurKit
import RecurPlot

/// One panel of a report's curves: a metric's training series (`accuracy`) and its validation
/// series (`val_accuracy`) on shared axes; either may be absent (`lr` has no validation series,
/// `val_bleu` no training one).
struct CurvePanel: Equatable {
    /// The metric without its `val_` prefix: the panel's id and y label.
    let metric: String
    let trainKey: String?
    let validationKey: String?

    /// One panel per metric found in any of the logs, in reading order: loss first, then metrics
    /// seen in training and validation, then validation-only metrics, then training-only ones
    /// (learning rate, gradient norm, throughput). Only the logs decide: a field the trainer or
    /// a task adds later gets a panel without a change here.
    static func panels(for logs: [RunLog]) -> [CurvePanel] {
        let keys = Set(logs.flatMap(\.numericKeys))
        let metrics = Set(keys.map { $0.hasPrefix("val_") ? String($0.dropFirst(4)) : $0 })
        let panels = metrics.map { metric in
            CurvePanel(metric: metric, trainKey: keys.contains(metric) ? metric : nil,
                       validationKey: keys.contains("val_" + metric) ? "val_" + metric : nil)
        }
        func group(_ panel: CurvePanel) -> Int {
            if panel.metric == "loss" { return 0 }
            switch (panel.trainKey, panel.validationKey) {
            case (.some, .some): return 1
            case (nil, .some): return 2
            default: return 3
            }
        }
        return panels.sorted { (group($0), $0.metric) < (group($1), $1.metric) }
    }

    /// What the panel's title calls the metric; the log's own name stays in brackets so a reader
    /// can find it in log.jsonl and TensorBoard.
    var title: String {
        let known = ["loss": "Loss", "lr": "Learning rate", "grad_norm": "Gradient norm", "bpc": "Bits per character"]
        if let name = known[metric] { return "\(name) (\(metric))" }
        if metric.hasSuffix("_per_second") { return "Throughput (\(metric))" }
        return metric
    }

    /// The panel's plot. One run: training solid, validation dashed in a second colour. Several
    /// runs: one colour per run, training solid and validation dashed, the legend naming runs and
    /// keying the two dash styles. A log y axis when positive values span more than a factor of
    /// 20 (losses and gradient norms fall by decades).
    func plot(_ runs: [(name: String, log: RunLog)], width: Double = 470, height: Double = 300) -> LinePlot {
        var plot = LinePlot(title: title, xLabel: "step", yLabel: metric)
        plot.width = width
        plot.height = height
        var legend: [LinePlot.LegendEntry] = []
        var hasTrain = false, hasValidation = false
        for (index, run) in runs.enumerated() {
            let train = trainKey.map { run.log.series($0) } ?? []
            let validation = validationKey.map { run.log.series($0) } ?? []
            let trainColour = Palette.line(index), validationColour = runs.count == 1 ? Palette.line(1) : Palette.line(index)
            if !train.isEmpty {
                plot.series.append(LinePlot.Series(name: runs.count == 1 ? "train" : "\(run.name) train", points: train, colour: trainColour))
                hasTrain = true
            }
            if !validation.isEmpty {
                plot.series.append(LinePlot.Series(name: runs.count == 1 ? "validation" : "\(run.name) validation",
                                                   points: validation, dashed: true, colour: validationColour))
                hasValidation = true
            }
            if runs.count > 1 && !(train.isEmpty && validation.isEmpty) {
                // The run's swatch looks like what it has here: dashed when it has only validation
                // values, a marker when it has only single points.
                legend.append(LinePlot.LegendEntry(name: run.name, colour: trainColour, dashed: train.isEmpty,
                                                   marker: train.count <= 1 && validation.count <= 1))
            }
        }
        if runs.count > 1 {
            let key = "#555555"
            if hasTrain && hasValidation {
                legend += [LinePlot.LegendEntry(name: "train", colour: key), LinePlot.LegendEntry(name: "validation", colour: key, dashed: true)]
            }
            plot.legend = legend
        }
        let values = plot.series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
        if let low = values.min(), let high = values.max(), low > 0, high / low > 20 { plot.logY = true }
        return plot
    }
}

/// The curves section of `report` and `compare`: every panel, two to a row, or a line saying
/// why there are none.
func curvesSection(_ runs: [ReportedRun], into page: inout ReportPage) {
    let panels = CurvePanel.panels(for: runs.map(\.log))
    guard !panels.isEmpty else {
        page.section(id: "curves", heading: "Training curves",
                     html: "<p>" + ReportPage.escape(runs.map { "\($0.name): \($0.logNote)" }.joined(separator: "; ")) + "</p>")
        return
    }
    let named = runs.map { (name: $0.name, log: $0.log) }
    let figures = panels.map { ReportPage.figure($0.plot(named).svg(), id: "curve-\($0.metric)") }
    let caption = runs.count == 1
        ? "Every numeric field of log.jsonl against the step: training solid, validation (val_…) dashed on the same axes."
        : "Every numeric field of the runs' log.jsonl against the step: one colour per run, training solid, validation (val_…) dashed."
    page.section(id: "curves", heading: "Training curves",
                 html: "<p class=\"caption\">\(ReportPage.escape(caption))</p>\n<div class=\"panels\">\n" + figures.joined(separator: "\n") + "\n</div>")
}
