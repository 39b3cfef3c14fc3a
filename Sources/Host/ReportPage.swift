import Foundation
import RecurKit

/// A self-contained HTML page: inline CSS and SVG, no scripts, no network. Sections carry ids
/// (`config`, `metrics`, `curves`, …) so checks and readers can find them.
struct ReportPage {
    let title: String
    private var sections: [String] = []

    init(title: String) { self.title = title }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A section whose body is already HTML (an inline SVG, a table from ``table``).
    mutating func section(id: String, heading: String, html: String) {
        sections.append("<section id=\"\(Self.escape(id))\">\n<h2>\(Self.escape(heading))</h2>\n\(html)\n</section>")
    }

    mutating func section(id: String, heading: String, preformatted text: String) {
        section(id: id, heading: heading, html: "<pre>\(Self.escape(text))</pre>")
    }

    /// A table with a header row; every cell is escaped.
    static func table(header: [String], rows: [[String]]) -> String {
        let head = "<tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>"
        let body = rows.map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        return "<table>\n\(head)\n\(body)\n</table>"
    }

    /// An SVG document's `<svg>` element, ready to inline (its XML prolog-free text as written by RecurPlot).
    static func figure(_ svg: String, caption: String? = nil, id: String? = nil) -> String {
        "<figure\(id.map { " id=\"\(escape($0))\"" } ?? "")>\(svg)" + (caption.map { "<figcaption>\(escape($0))</figcaption>" } ?? "") + "</figure>"
    }

    /// An SVG file that a task wrote, shown as an image rather than inlined: the file may come
    /// from a stranger's bundle, and an `<img>` never runs scripts or reaches the network.
    static func image(svg data: Data, caption: String) -> String {
        "<figure><img alt=\"\(escape(caption))\" src=\"data:image/svg+xml;base64,\(data.base64EncodedString())\">"
            + "<figcaption>\(escape(caption))</figcaption></figure>"
    }

    /// A picture a task drew, as a PNG in an `<img>`.
    static func image(png data: Data, caption: String) -> String {
        "<figure><img alt=\"\(escape(caption))\" src=\"data:image/png;base64,\(data.base64EncodedString())\">"
            + "<figcaption>\(escape(caption))</figcaption></figure>"
    }

    var html: String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(Self.escape(title))</title>
        <style>
        body { font-family: sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; color: #222; }
        h1 { font-size: 1.5em; } h2 { font-size: 1.15em; border-bottom: 1px solid #ddd; padding-bottom: .2em; margin-top: 1.6em; }
        table { border-collapse: collapse; font-size: .9em; } th, td { border: 1px solid #ddd; padding: .25em .6em; text-align: left; }
        th { background: #f4f4f4; } pre { background: #f8f8f8; padding: .8em; white-space: pre-wrap; }
        figure { margin: .5em 0; } figcaption, .caption { font-size: .85em; color: #555; }
        .panels { display: grid; grid-template-columns: 1fr 1fr; gap: .4em; } .panels figure { margin: 0; }
        .panels svg { width: 100%; height: auto; } figure img { max-width: 100%; }
        footer { margin-top: 2em; font-size: .8em; color: #777; }
        </style>
        </head>
        <body>
        <h1>\(Self.escape(title))</h1>
        \(sections.joined(separator: "\n"))
        <footer>Written by recur \(RecurVersion.current) on \(ISO8601DateFormatter().string(from: Date())).</footer>
        </body>
        </html>

        """
    }
}
