/// A text drawn character by character on a background coloured by one value per character —
/// how Karpathy, Johnson and Fei-Fei (2015) show what a recurrent unit tracks. Values map to
/// ``Palette/diverging(_:)`` over [−scale, scale]; lines break at newlines and at `width`.
public struct TextHeat {
    public var title: String
    public var characters: [String]
    public var values: [Double]
    /// The value drawn fully saturated (1 for tanh and gate signals).
    public var scale: Double
    public var width: Int = 80
    public var footer: String = ""

    public init(title: String, characters: [String], values: [Double], scale: Double = 1) {
        precondition(characters.count == values.count, "TextHeat: \(characters.count) characters for \(values.count) values")
        self.title = title
        self.characters = characters
        self.values = values
        self.scale = scale
    }

    public func svg() -> String {
        let cellWidth = 10.0, cellHeight = 18.0, left = 10.0, top = 34.0
        var svg = SVGWriter()
        svg.text(title, x: left, y: 18, anchor: "start", size: 14, cssClass: "plot-title")
        var row = 0, column = 0, widest = 0
        for (character, value) in zip(characters, values) {
            let x = left + cellWidth * Double(column), y = top + cellHeight * Double(row)
            svg.rect(x: x, y: y, width: cellWidth, height: cellHeight, fill: Palette.diverging(value / scale),
                     extra: [("class", "char"), ("data-value", String(format: "%.4g", value))])
            let shown = character == "\n" ? "↵" : character == " " ? "\u{00A0}" : character
            svg.element("text", [("x", SVGWriter.number(x + cellWidth / 2)), ("y", SVGWriter.number(y + 13)),
                                 ("text-anchor", "middle"), ("font-size", "12"), ("font-family", "monospace")], text: shown)
            column += 1
            widest = max(widest, column)
            if character == "\n" || column >= width { row += 1; column = 0 }
        }
        let rows = row + (column > 0 ? 1 : 0)
        let height = top + cellHeight * Double(rows) + (footer.isEmpty ? 12 : 32)
        if !footer.isEmpty { svg.text(footer, x: left, y: height - 12, anchor: "start", size: 11) }
        let fullWidth = max(left * 2 + cellWidth * Double(widest), 7 * Double(max(title.count, footer.count)) + 20)
        return svg.document(width: fullWidth, height: height, title: title)
    }
}
