import Foundation

/// Several named series on shared axes, with ticks, axis labels and a legend; the y axis may be
/// logarithmic (gradient norms spanning twenty decades).
///
/// Points that an axis cannot show (NaN, infinities, non-positive values on a log axis) break
/// the line rather than bending it to a wrong place. A point with no visible neighbour (a series
/// of one point, or one cut off by such gaps) is drawn as a marker, since a line of one point is
/// invisible.
public struct LinePlot {
    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var dashed: Bool
        /// The line colour; `nil` takes the palette's colour for the series' index.
        public var colour: String?

        public init(name: String, points: [(x: Double, y: Double)], dashed: Bool = false, colour: String? = nil) {
            self.name = name
            self.points = points
            self.dashed = dashed
            self.colour = colour
        }

        /// `values[i]` plotted at x = i.
        public init(name: String, values: [Double], dashed: Bool = false, colour: String? = nil) {
            self.init(name: name, points: values.enumerated().map { (Double($0.offset), $0.element) }, dashed: dashed, colour: colour)
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logY: Bool
    public var series: [Series]
    /// Legend rows; `nil` gives one row per named series. Set it to say something shorter than
    /// the series do, such as one row per run and a key for solid and dashed.
    public var legend: [LegendEntry]?
    public var width: Double = 640
    public var height: Double = 380

    /// One legend row: a swatch (a line, dashed or not, or a marker) and its label.
    public struct LegendEntry {
        public var name: String
        public var colour: String
        public var dashed: Bool
        public var marker: Bool

        public init(name: String, colour: String, dashed: Bool = false, marker: Bool = false) {
            self.name = name
            self.colour = colour
            self.dashed = dashed
            self.marker = marker
        }
    }

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

        var drawn: [(Double, Double)] = []  // pixel positions of what was drawn, to keep the legend off it
        for (index, s) in series.enumerated() {
            let colour = s.colour ?? Palette.line(index)
            var segments: [[(Double, Double)]] = [[]]
            for point in s.points {
                if let x = px(point.x), let y = py(point.y) {
                    segments[segments.count - 1].append((x, y))
                } else if !segments[segments.count - 1].isEmpty {
                    segments.append([])
                }
            }
            for segment in segments where !segment.isEmpty {
                drawn.append(contentsOf: segment)
                // Points along each stretch too, so a long straight line counts where it runs.
                for (a, b) in zip(segment, segment.dropFirst()) {
                    drawn += (1..<8).map { k in (a.0 + (b.0 - a.0) * Double(k) / 8, a.1 + (b.1 - a.1) * Double(k) / 8) }
                }
                if segment.count == 1 {
                    svg.element("circle", [("class", "marker"), ("data-series", s.name), ("cx", SVGWriter.number(segment[0].0)),
                                           ("cy", SVGWriter.number(segment[0].1)), ("r", "3.5"), ("fill", colour)])
                    continue
                }
                var attributes = [("class", "series"), ("data-series", s.name), ("fill", "none"),
                                  ("stroke", colour), ("stroke-width", "1.8"),
                                  ("points", Self.thinned(segment).map { "\(SVGWriter.number($0.0)),\(SVGWriter.number($0.1))" }.joined(separator: " "))]
                if s.dashed { attributes.append(("stroke-dasharray", "6 4")) }
                svg.element("polyline", attributes)
            }
        }

        // Legend: inside the frame, in the corner that hides the fewest drawn points (top right
        // when it is a tie), one swatch per row.
        let rows = legend ?? series.enumerated().filter { !$0.element.name.isEmpty }.map { index, s in
            LegendEntry(name: s.name, colour: s.colour ?? Palette.line(index), dashed: s.dashed, marker: s.points.count == 1)
        }
        if !rows.isEmpty {
            let rowHeight = 16.0
            let boxWidth = 24 + 7 * Double(rows.map(\.name.count).max()!) + 12
            let boxHeight = rowHeight * Double(rows.count) + 6
            let corners = [(left + plotWidth - boxWidth - 6, top + 6), (left + 6, top + 6),
                           (left + plotWidth - boxWidth - 6, top + plotHeight - boxHeight - 6), (left + 6, top + plotHeight - boxHeight - 6)]
            func hidden(_ corner: (Double, Double)) -> Int {
                drawn.filter { $0.0 >= corner.0 - 4 && $0.0 <= corner.0 + boxWidth + 4 && $0.1 >= corner.1 - 4 && $0.1 <= corner.1 + boxHeight + 4 }.count
            }
            let (x0, y0) = corners.min { hidden($0) < hidden($1) }!
            svg.rect(x: x0, y: y0, width: boxWidth, height: boxHeight, fill: "white",
                     extra: [("stroke", "#ccc"), ("class", "legend"), ("fill-opacity", "0.85")])
            for (row, entry) in rows.enumerated() {
                let y = y0 + 3 + rowHeight * (Double(row) + 0.5)
                if entry.marker {
                    svg.element("circle", [("cx", SVGWriter.number(x0 + 14)), ("cy", SVGWriter.number(y)), ("r", "3.5"), ("fill", entry.colour)])
                } else {
                    var attributes = [("x1", SVGWriter.number(x0 + 6)), ("y1", SVGWriter.number(y)), ("x2", SVGWriter.number(x0 + 22)),
                                      ("y2", SVGWriter.number(y)), ("stroke", entry.colour), ("stroke-width", "2.5")]
                    if entry.dashed { attributes.append(("stroke-dasharray", "5 3")) }
                    svg.element("line", attributes)
                }
                svg.text(entry.name, x: x0 + 27, y: y + 4, anchor: "start", size: 11, cssClass: "legend-entry")
            }
        }
        return svg.document(width: width, height: height, title: title)
    }

    /// Pixel points reduced to the first, last, lowest and highest of each pixel column once
    /// there are more than `limit`: a 100,000-step log draws the same picture, spikes included,
    /// from a few thousand points, and the page stays small.
    static func thinned(_ points: [(Double, Double)], limit: Int = 2000) -> [(Double, Double)] {
        guard points.count > limit else { return points }
        var out: [(Double, Double)] = []
        var start = 0
        while start < points.count {
            let column = points[start].0.rounded(.down)
            var end = start, low = start, high = start
            while end < points.count && points[end].0.rounded(.down) == column {
                if points[end].1 < points[low].1 { low = end }
                if points[end].1 > points[high].1 { high = end }
                end += 1
            }
            for index in Set([start, low, high, end - 1]).sorted() { out.append(points[index]) }
            start = end
        }
        return out
    }
}
