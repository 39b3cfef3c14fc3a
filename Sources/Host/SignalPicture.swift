import Foundation
import RecurKit
import RecurPlot

/// The picture of `recur states` (and of a char-lm report): the text with each character's
/// background coloured by one unit, above a heatmap of the most variable units of that signal
/// and the gate saturation figures.
struct SignalPicture {
    let recorded: RecordedSignals
    let tokens: [String]
    let layer: Int
    let name: String
    let unit: Int

    /// Units ordered by their variance over the text, largest first.
    static func mostVariable(_ series: [[Float]], count: Int) -> [Int] {
        let units = series.first?.count ?? 0, n = Float(series.count)
        let variance = (0..<units).map { u -> Float in
            let mean = series.reduce(0) { $0 + $1[u] } / n
            return series.reduce(0) { $0 + ($1[u] - mean) * ($1[u] - mean) } / n
        }
        return Array(variance.indices.sorted { variance[$0] > variance[$1] }.prefix(count))
    }

    /// The text coloured by the unit, above the most variable units and the gate saturation.
    func svg(footer: String) -> String {
        let chosen = (layer: layer, name: name, unit: unit)
        let series = recorded.layers[layer].values[name]!
        let values = series.map { Double($0[chosen.unit]) }
        let scale = max(1, values.map(abs).max() ?? 1)
        var heat = TextHeat(title: "unit \(chosen.layer):\(chosen.name):\(chosen.unit) over the text (blue −\(String(format: "%.3g", scale)) … red +\(String(format: "%.3g", scale)))",
                            characters: tokens, values: values, scale: scale)
        heat.footer = footer
        let top = Self.mostVariable(series, count: min(20, series.first?.count ?? 0))
        let shown = tokens.prefix(120)
        var map = Heatmap(title: "the \(top.count) most variable units of \(chosen.name) (layer \(chosen.layer))",
                          rowLabels: top.map { "\(chosen.name)[\($0)]" }, columnLabels: shown.map { $0 == "\n" ? "↵" : $0 == " " ? "␣" : $0 },
                          values: top.map { u in series.prefix(shown.count).map { Double($0[u]) } }, xLabel: "character", yLabel: "unit")
        map.cellSize = 12
        var saturation = "gate saturation (fraction of steps < 0.1 / > 0.9, mean over units): "
        saturation += recorded.saturation().map { String(format: "L%d %@ %.2f/%.2f", $0.layer, $0.gate,
                                                          $0.left.reduce(0, +) / Double(max($0.left.count, 1)),
                                                          $0.right.reduce(0, +) / Double(max($0.right.count, 1))) }.joined(separator: ", ")
        map.footer = saturation
        return combine([heat.svg(), map.svg()])
    }

    /// Two SVG documents stacked into one.
    func combine(_ documents: [String]) -> String {
        var y = 0.0, width = 0.0, body = ""
        for document in documents {
            guard let w = attribute("width", of: document), let h = attribute("height", of: document) else { continue }
            body += "<g transform=\"translate(0 \(y))\">\n\(document)</g>\n"
            y += h + 10
            width = max(width, w)
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(y)\" viewBox=\"0 0 \(width) \(y)\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\(body)</svg>\n"
    }

    func attribute(_ name: String, of document: String) -> Double? {
        guard let range = document.range(of: " \(name)=\"") else { return nil }
        return Double(document[range.upperBound...].prefix { $0 != "\"" })
    }
}
