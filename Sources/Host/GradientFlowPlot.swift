import RecurKit
import RecurPlot

/// One line per result (‖∂L/∂h‖), plus a dashed one for the second state (‖∂L/∂c‖) where a cell has it.
func gradientFlowPlot(_ results: [GradientFlowResult]) -> LinePlot {
    var plot = LinePlot(title: "Gradient flow through time", xLabel: "distance T − t (steps before the loss)",
                        yLabel: "‖∂L_T / ∂h_t‖", logY: true)
    for result in results {
        plot.series.append(LinePlot.Series(name: "\(result.cell) h", values: result.norms))
        if let c = result.cellStateNorms { plot.series.append(LinePlot.Series(name: "\(result.cell) c", values: c, dashed: true)) }
    }
    return plot
}
