import Foundation

/// A confusion matrix drawn as an SVG heatmap: one square per (true, predicted) pair, shaded by
/// the share of the true class's examples it holds (row-normalised, so small classes show), with
/// the count written inside. Rows are true classes, columns predictions.
public enum ConfusionHeatmap {
    public static func svg(_ matrix: ConfusionMatrix, title: String) -> String {
        let n = matrix.labels.count
        let cell = n > 30 ? 16 : 28
        let labelWidth = 8 * (matrix.labels.map(\.count).max() ?? 1) + 12
        let left = labelWidth, top = labelWidth + 24
        let footer = String(format: "rows: true class, columns: predicted; shade = share of the row. accuracy %.2f%%, macro-F1 %.2f%%",
                            100 * matrix.accuracy, 100 * matrix.macroF1)
        // About 6 px per character at 11 px, so neither the title nor the footer is cut off.
        let width = max(left + n * cell + 20, 6 * max(footer.count, left / 6 + title.count) + 20), height = top + n * cell + 40
        var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"11\">",
                   "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                   "<text x=\"\(left)\" y=\"16\" font-size=\"13\">\(escape(title))</text>"]
        for (i, label) in matrix.labels.enumerated() {
            let y = top + i * cell + cell / 2 + 4, x = left + i * cell + cell / 2 + 4
            out.append("<text x=\"\(left - 6)\" y=\"\(y)\" text-anchor=\"end\">\(escape(label))</text>")
            out.append("<text transform=\"translate(\(x),\(top - 6)) rotate(-90)\">\(escape(label))</text>")
        }
        for r in 0..<n {
            let support = max(matrix.support(r), 1)
            for c in 0..<n {
                let count = matrix.counts[r][c]
                let share = Double(count) / Double(support)
                // White → dark blue; text turns white where the square is dark.
                let red = Int(247 - 239 * share), green = Int(251 - 203 * share), blue = Int(255 - 148 * share)
                let x = left + c * cell, y = top + r * cell
                out.append("<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"rgb(\(red),\(green),\(blue))\" stroke=\"#ddd\"><title>\(escape(matrix.labels[r])) → \(escape(matrix.labels[c])): \(count)</title></rect>")
                if count > 0 && cell >= 20 {
                    out.append("<text x=\"\(x + cell / 2)\" y=\"\(y + cell / 2 + 4)\" text-anchor=\"middle\" font-size=\"9\" fill=\"\(share > 0.5 ? "white" : "black")\">\(count)</text>")
                }
            }
        }
        out.append("<text x=\"10\" y=\"\(top + n * cell + 24)\">\(escape(footer))</text>")
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
