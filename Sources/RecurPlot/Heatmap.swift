import Foundation

/// A matrix drawn as coloured cells (viridis), with row and column labels and a colour bar —
/// attention maps (decoder step × source position) and confusion matrices (true × predicted).
public struct Heatmap {
    public var title: String
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// `values[row][column]`; NaN cells are drawn grey.
    public var values: [[Double]]
    public var xLabel: String
    public var yLabel: String
    public var cellSize: Double = 24

    public init(title: String, rowLabels: [String], columnLabels: [String], values: [[Double]],
                xLabel: String = "", yLabel: String = "") {
        precondition(values.count == rowLabels.count && values.allSatisfy { $0.count == columnLabels.count },
                     "Heatmap: \(values.count) rows for \(rowLabels.count) labels, or a row whose width is not \(columnLabels.count)")
        self.title = title
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    public func svg() -> String {
        let longestRow = Double(rowLabels.map(\.count).max() ?? 0), longestColumn = Double(columnLabels.map(\.count).max() ?? 0)
        let left = 30 + 7 * longestRow, top = 40 + 6.5 * longestColumn
        let gridWidth = cellSize * Double(columnLabels.count), gridHeight = cellSize * Double(rowLabels.count)
        let barX = left + gridWidth + 20, barWidth = 14.0
        let width = barX + barWidth + 60, height = top + max(gridHeight, 80) + (xLabel.isEmpty ? 16 : 36)
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        let low = finite.min() ?? 0, high = max(finite.max() ?? 1, low + 1e-12)

        var svg = SVGWriter()
        svg.text(title, x: width / 2, y: 18, size: 14, cssClass: "plot-title")
        for (r, row) in values.enumerated() {
            for (c, value) in row.enumerated() {
                let fill = value.isFinite ? Palette.viridis((value - low) / (high - low)) : "#bbbbbb"
                svg.rect(x: left + cellSize * Double(c), y: top + cellSize * Double(r), width: cellSize, height: cellSize,
                         fill: fill, extra: [("class", "cell"), ("data-value", String(format: "%.4g", value))])
            }
        }
        for (r, label) in rowLabels.enumerated() {
            svg.text(label, x: left - 5, y: top + cellSize * (Double(r) + 0.5) + 4, anchor: "end", size: 11)
        }
        for (c, label) in columnLabels.enumerated() {
            // Column labels read upwards so long tokens never overlap.
            svg.text(label, x: left + cellSize * (Double(c) + 0.5) + 4, y: top - 5, anchor: "start", size: 11, rotate: true)
        }
        if !xLabel.isEmpty { svg.text(xLabel, x: left + gridWidth / 2, y: top + gridHeight + 24) }
        if !yLabel.isEmpty { svg.text(yLabel, x: 12, y: top + gridHeight / 2, rotate: true) }

        // Colour bar: ten bands from high (top) to low, labelled at both ends and the middle.
        let barHeight = max(gridHeight, 80), bands = 10
        for band in 0..<bands {
            let t = 1 - (Double(band) + 0.5) / Double(bands)
            svg.rect(x: barX, y: top + barHeight * Double(band) / Double(bands), width: barWidth,
                     height: barHeight / Double(bands) + 0.5, fill: Palette.viridis(t), extra: [("class", "colour-bar")])
        }
        for (fraction, value) in [(0.0, high), (0.5, (low + high) / 2), (1.0, low)] {
            svg.text(String(format: "%.3g", value), x: barX + barWidth + 4, y: top + barHeight * fraction + 4, anchor: "start", size: 10)
        }
        return svg.document(width: width, height: height, title: title)
    }
}
