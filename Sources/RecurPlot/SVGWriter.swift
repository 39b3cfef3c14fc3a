import Foundation

/// Accumulates SVG elements as text; every attribute value and text node is escaped here, so
/// labels taken from run names or data can never break the markup.
struct SVGWriter {
    private(set) var body = ""

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Coordinates with two decimals: enough for a screen, and the files stay small.
    static func number(_ v: Double) -> String { String(format: "%.2f", v) }

    mutating func element(_ name: String, _ attributes: [(String, String)], text: String? = nil) {
        body += "<\(name)"
        for (key, value) in attributes { body += " \(key)=\"\(Self.escape(value))\"" }
        if let text { body += ">\(Self.escape(text))</\(name)>\n" } else { body += "/>\n" }
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1) {
        element("line", [("x1", Self.number(x1)), ("y1", Self.number(y1)), ("x2", Self.number(x2)), ("y2", Self.number(y2)),
                         ("stroke", stroke), ("stroke-width", Self.number(width))])
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, extra: [(String, String)] = []) {
        element("rect", [("x", Self.number(x)), ("y", Self.number(y)), ("width", Self.number(width)),
                         ("height", Self.number(height)), ("fill", fill)] + extra)
    }

    /// Text centred (or anchored) at (x, y); `rotate` turns it to read bottom-up (a y-axis label).
    mutating func text(_ content: String, x: Double, y: Double, anchor: String = "middle", size: Int = 12,
                       rotate: Bool = false, cssClass: String? = nil, fill: String? = nil) {
        var attributes = [("x", Self.number(x)), ("y", Self.number(y)), ("text-anchor", anchor),
                          ("font-size", "\(size)"), ("font-family", "sans-serif")]
        if let fill { attributes.append(("fill", fill)) }
        if rotate { attributes.append(("transform", "rotate(-90 \(Self.number(x)) \(Self.number(y)))")) }
        if let cssClass { attributes.insert(("class", cssClass), at: 0) }
        element("text", attributes, text: content)
    }

    /// The whole document, `width` × `height` user units with a white background.
    func document(width: Double, height: Double, title: String) -> String {
        let w = Self.number(width), h = Self.number(height)
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(w)" height="\(h)" viewBox="0 0 \(w) \(h)" role="img">
        <title>\(Self.escape(title))</title>
        <rect x="0" y="0" width="\(w)" height="\(h)" fill="white"/>
        \(body)</svg>

        """
    }
}
