import Foundation

/// Several named series on shared axes, with ticks, axis labels and a legend; the y axis may be
/// logarithmic (gradient norms spanning twenty decades).
///
/// Points that an axis cannot show (NaN, infinities, non-positive values on a log axis) break
/// the line rather than bending it to a wrong place.
public struct LinePlot {
    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var dashed: Bool

        public init(name: String, points: [(x: Double, y: Double)], dashed: Bool = false) {
            self.name = name
            self.points = points
            self.dashed = dashed
        }

        /// `values[i]` plotted at x = i.
        public init(name: String, values: [Double], dashed: Bool = false) {
            self.init(name: name, points: values.enumerated().map { (Double($0.offset), $0.element) }, dashed: dashed)
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logY: Bool
    public var series: [Series]
    public var width: Double = 640
    public var height: Double = 380

    public init(title: String, xLabel: String, yLabel: String, logY: Bool = false, series: [Series] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logY = logY
        self.series = series
    }

    /// The plot as a standalone SVG document (also valid inline in HTML).
    public func svg() -> String {
        let left = 72.0, right = 20.0, top = 34.0, bottom = 48.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let xScale = Scale(kind: .linear, covering: series.flatMap { $0.points.map(\.x) })
        let yScale = Scale(kind: logY ? .log : .linear, covering: series.flatMap { $0.points.map(\.y) })
        func px(_ x: Double) -> Double? { xScale.fraction(x).map { left + $0 * plotWidth } }
        func py(_ y: Double) -> Double? { yScale.fraction(y).map { top + (1 - $0) * plotHeight } }

        var svg = SVGWriter()
        svg.text(title, x: width / 2, y: 20, size: 14, cssClass: "plot-title")
        for tick in yScale.ticks {
            guard let y = py(tick) else { continue }
            svg.line(left, y, left + plotWidth, y, stroke: "#e6e6e6")
            svg.line(left - 4, y, left, y, stroke: "#333")
            svg.text(yScale.label(tick), x: left - 7, y: y + 4, anchor: "end", size: 11)
        }
        for tick in xScale.ticks {
            guard let x = px(tick) else { continue }
            svg.line(x, top + plotHeight, x, top + plotHeight + 4, stroke: "#333")
            svg.text(xScale.label(tick), x: x, y: top + plotHeight + 17, size: 11)
        }
        svg.line(left, top, left, top + plotHeight, stroke: "#333")
        svg.line(left, top + plotHeight, left + plotWidth, top + plotHeight, stroke: "#333")
        svg.text(xLabel, x: left + plotWidth / 2, y: height - 10)
        svg.text(yLabel, x: 16, y: top + plotHeight / 2, rotate: true)

        for (index, s) in series.enumerated() {
            var segments: [[String]] = [[]]
            for point in s.points {
                if let x = px(point.x), let y = py(point.y) {
                    segments[segments.count - 1].append("\(SVGWriter.number(x)),\(SVGWriter.number(y))")
                } else if !segments[segments.count - 1].isEmpty {
                    segments.append([])
                }
            }
            for segment in segments where !segment.isEmpty {
                var attributes = [("class", "series"), ("data-series", s.name), ("fill", "none"),
                                  ("stroke", Palette.line(index)), ("stroke-width", "1.8"),
                                  ("points", segment.joined(separator: " "))]
                if s.dashed { attributes.append(("stroke-dasharray", "6 4")) }
                svg.element("polyline", attributes)
            }
        }

        // Legend: top-right inside the frame, one swatch per series.
        let named = series.enumerated().filter { !$0.element.name.isEmpty }
        if !named.isEmpty {
            let rowHeight = 16.0
            let boxWidth = 24 + 7 * Double(named.map(\.element.name.count).max()!) + 12
            let x0 = left + plotWidth - boxWidth - 6, y0 = top + 6
            svg.rect(x: x0, y: y0, width: boxWidth, height: rowHeight * Double(named.count) + 6, fill: "white",
                     extra: [("stroke", "#ccc"), ("class", "legend"), ("fill-opacity", "0.85")])
            for (row, (index, s)) in named.enumerated() {
                let y = y0 + 3 + rowHeight * (Double(row) + 0.5)
                svg.line(x0 + 6, y, x0 + 22, y, stroke: Palette.line(index), width: 2.5)
                svg.text(s.name, x: x0 + 27, y: y + 4, anchor: "start", size: 11, cssClass: "legend-entry")
            }
        }
        return svg.document(width: width, height: height, title: title)
    }
}
