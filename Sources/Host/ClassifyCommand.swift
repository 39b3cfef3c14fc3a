import ArgumentParser
import Foundation
import RecurKit

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify", abstract: "Label texts with a trained classification run: the class and its top-k probabilities.")

    @Argument(help: ArgumentHelp("Run directory or bundle.", valueName: "run-or-bundle")) var runPath: String
    @Argument(help: "The text to classify (or use --input).") var text: String?
    @Option(help: "A file with one text per line.") var input: String?
    @Option(name: .customLong("top-k"), help: "How many classes to list per text.") var topK: Int = 3
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard (text == nil) != (input == nil) else { throw ValidationError("give either a TEXT argument or --input FILE (one of them).") }
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1 (got \(topK)).") }
    }

    func run() throws {
        try reportingErrors {
            let texts = try text.map { [$0] } ?? readLines(input!)
            let loaded = try LoadedRun(path: runPath)
            guard let classifier = loaded.session as? any Classifying else {
                throw UserError("task '\(loaded.config.task)' does not classify texts; `recur classify` works with classification runs")
            }
            let results = try classifier.classify(texts)
            if json {
                try printJSON(["run": loaded.source, "results": results.map { r -> [String: Any] in
                    var object: [String: Any] = [
                        "text": r.text, "label": r.label, "unknown": r.unknownTokens,
                        "top": r.ranked.prefix(topK).map { ["label": $0.label, "probability": $0.probability] },
                    ]
                    if let attention = r.attention { object["attention"] = attention }
                    return object
                }])
                return
            }
            let width = min(results.map(\.text.count).max() ?? 0, 40)
            for r in results {
                let shown = r.text.count > width ? String(r.text.prefix(width - 1)) + "…" : r.text.padding(toLength: width, withPad: " ", startingAt: 0)
                let top = r.ranked.prefix(topK).map { String(format: "%@ %.3f", $0.label, $0.probability) }.joined(separator: "  ")
                print("\(shown)  →  \(top)")
            }
            let unknown = results.flatMap(\.unknownTokens).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            if !unknown.isEmpty {
                FileHandle.standardError.write(Data("recur: note: never seen in training, read as <unk>: \(unknown.map { "'\($0)'" }.joined(separator: " "))\n".utf8))
            }
        }
    }

    /// The lines of `path` (``LineReader``); a blank line is an error.
    func readLines(_ path: String) throws -> [String] {
        let lines = try LineReader(URL(fileURLWithPath: path)).lines()
        if let blank = lines.first(where: { $0.text.isEmpty }) {
            throw UserError("\(path):\(blank.number): empty text; every line must hold one text to classify")
        }
        guard !lines.isEmpty else { throw UserError("\(path): no texts (the file is empty)") }
        return lines.map(\.text)
    }
}
