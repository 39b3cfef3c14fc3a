/// A confusion matrix as an SVG heatmap: one cell per (true, predicted) pair, shaded by the share
/// of the true class's examples it holds (row-normalised, so small classes show), with the count
/// written inside. Rows are true classes, columns predictions.
/// Shared by every task that scores classes (classification, tagging).
public enum ConfusionHeatmap {
    /// `counts[truth][prediction]`; `accuracy` and `macroF1` in [0, 1] for the footer.
    public static func svg(labels: [String], counts: [[Int]], accuracy: Double, macroF1: Double, title: String) -> String {
        let n = labels.count
        let shares = counts.map { row in row.map { Double($0) / Double(max(row.reduce(0, +), 1)) } }
        var heatmap = Heatmap(title: title, rowLabels: labels, columnLabels: labels, values: shares,
                              xLabel: "predicted", yLabel: "true class")
        heatmap.cellSize = n > 30 ? 16 : 28
        heatmap.annotations = counts.map { $0.map(String.init) }
        heatmap.footer = String(format: "shade = share of the row; accuracy %.2f%%, macro-F1 %.2f%%", 100 * accuracy, 100 * macroF1)
        return heatmap.svg()
    }
}
