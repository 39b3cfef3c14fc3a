import RecurPlot

/// A confusion matrix as an SVG heatmap: one cell per (true, predicted) pair, shaded by the share
/// of the true class's examples it holds (row-normalised, so small classes show), with the count
/// written inside. Rows are true classes, columns predictions.
public enum ConfusionHeatmap {
    public static func svg(_ matrix: ConfusionMatrix, title: String) -> String {
        let n = matrix.labels.count
        let shares = (0..<n).map { r in
            (0..<n).map { c in Double(matrix.counts[r][c]) / Double(max(matrix.support(r), 1)) }
        }
        var heatmap = Heatmap(title: title, rowLabels: matrix.labels, columnLabels: matrix.labels, values: shares,
                              xLabel: "predicted", yLabel: "true class")
        heatmap.cellSize = n > 30 ? 16 : 28
        heatmap.annotations = matrix.counts.map { $0.map(String.init) }
        heatmap.footer = String(format: "shade = share of the row; accuracy %.2f%%, macro-F1 %.2f%%",
                                100 * matrix.accuracy, 100 * matrix.macroF1)
        return heatmap.svg()
    }
}
