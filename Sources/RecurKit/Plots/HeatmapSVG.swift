import Foundation

/// A labelled heatmap of values in [0, 1] as a standalone SVG: columns across the top (labels
/// turned 45° so long words stay legible), rows down the left, darker = larger, each cell's
/// value in a tooltip. Attention maps (source across, target down) are drawn with it.
public struct HeatmapSVG {
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// `values[row][column]`.
    public var values: [[Float]]
    public var title: String
    public var cellSize: Double = 28

    public init(rowLabels: [String], columnLabels: [String], values: [[Float]], title: String) {
        precondition(values.count == rowLabels.count && values.allSatisfy { $0.count == columnLabels.count },
                     "HeatmapSVG: values are not \(rowLabels.count)×\(columnLabels.count)")
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.title = title
    }

    public var svg: String {
        let labelWidth = 8.0 * Double(max(rowLabels.map(\.count).max() ?? 0, 4)) + 16
        let labelHeight = 6.0 * Double(max(columnLabels.map(\.count).max() ?? 0, 4)) + 24
        let top = labelHeight + 30, left = labelWidth
        // Turned column labels lean right past the last column; the title needs its own width.
        let width = max(left + cellSize * Double(columnLabels.count) + labelHeight, 7.5 * Double(title.count) + 16)
        let height = top + cellSize * Double(rowLabels.count) + 20
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="8" y="18" font-size="14">\(escape(title))</text>

        """
        for (j, label) in columnLabels.enumerated() {
            let x = left + cellSize * (Double(j) + 0.5), y = top - 6
            out += "<text x=\"\(fmt(x))\" y=\"\(fmt(y))\" transform=\"rotate(-45 \(fmt(x)) \(fmt(y)))\">\(escape(label))</text>\n"
        }
        for (i, label) in rowLabels.enumerated() {
            let y = top + cellSize * (Double(i) + 0.5) + 4
            out += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y))\" text-anchor=\"end\">\(escape(label))</text>\n"
            for (j, value) in values[i].enumerated() {
                let v = min(max(Double(value), 0), 1)
                let shade = Int((1 - v) * 255)
                out += "<rect x=\"\(fmt(left + cellSize * Double(j)))\" y=\"\(fmt(top + cellSize * Double(i)))\" width=\"\(fmt(cellSize))\" height=\"\(fmt(cellSize))\" fill=\"rgb(\(shade),\(shade),\(shade))\" stroke=\"#ddd\"><title>\(escape(rowLabels[i])) ← \(escape(columnLabels[j])): \(String(format: "%.3f", v))</title></rect>\n"
            }
        }
        return out + "</svg>\n"
    }

    private func fmt(_ x: Double) -> String { String(format: "%.1f", x) }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
