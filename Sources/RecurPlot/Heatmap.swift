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
    /// Text written inside each cell (`annotations[row][column]`), such as a confusion count.
    public var annotations: [[String]]?
    /// A line under the grid (a summary such as accuracy).
    public var footer: String = ""

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
        // About 6 px per character at 11 px, so neither the title nor the footer is cut off.
        let width = max(barX + barWidth + 60, 6.2 * Double(max(title.count, footer.count)) + 40)
        let height = top + max(gridHeight, 80) + (xLabel.isEmpty ? 16 : 36) + (footer.isEmpty ? 0 : 20)
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        let low = finite.min() ?? 0, high = max(finite.max() ?? 1, low + 1e-12)

        var svg = SVGWriter()
        svg.text(title, x: width / 2, y: 18, size: 14, cssClass: "plot-title")
        for (r, row) in values.enumerated() {
            for (c, value) in row.enumerated() {
                let fill = value.isFinite ? Palette.viridis((value - low) / (high - low)) : "#bbbbbb"
                svg.rect(x: left + cellSize * Double(c), y: top + cellSize * Double(r), width: cellSize, height: cellSize,
                         fill: fill, extra: [("class", "cell"), ("data-value", String(format: "%.4g", value))])
                if let text = annotations?[r][c], !text.isEmpty {
                    // Light text on the dark (low) end of viridis, dark text on the bright end.
                    let light = !value.isFinite || (value - low) / (high - low) < 0.6
                    svg.text(text, x: left + cellSize * (Double(c) + 0.5), y: top + cellSize * (Double(r) + 0.5) + 4,
                             size: 10, fill: light ? "white" : "black")
                }
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
        if !footer.isEmpty {
            svg.text(footer, x: 10, y: top + max(gridHeight, 80) + (xLabel.isEmpty ? 24 : 44), anchor: "start", size: 11)
        }

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
