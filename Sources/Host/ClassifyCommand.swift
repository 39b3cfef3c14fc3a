import ArgumentParser
import Foundation
import RecurKit

/// `recur classify`: `recur predict` for classifiers, printed as a table.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify", abstract: "Label texts with a trained classification run: the class and its top-k probabilities.")

    @Argument(help: ArgumentHelp("Run directory or bundle.", valueName: "run-or-bundle")) var runPath: String
    @OptionGroup var weights: BestWeightsOption
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
            let loaded = try LoadedRun(path: runPath, best: weights.best)
            guard loaded.config.task == "classification", let predictor = loaded.session as? any Predicting else {
                throw UserError("task '\(loaded.config.task)' does not classify texts; `recur classify` works with classification runs (`recur predict` serves every task)")
            }
            let results = try GradMode.withNoGrad { try predictor.predict(texts, text: ["top-k": "\(topK)"], seed: 0) }
            if json {
                try printJSON(["run": loaded.source, "results": results.map { r -> [String: Any] in
                    var object = r.fields.mapValues(\.foundationValue)
                    object["text"] = r.input
                    return object
                }])
                return
            }
            let width = min(results.map(\.input.count).max() ?? 0, 40)
            for r in results {
                let shown = r.input.count > width ? String(r.input.prefix(width - 1)) + "…" : r.input.padding(toLength: width, withPad: " ", startingAt: 0)
                print("\(shown)  →  \(r.text)")
            }
            var unknown: [String] = []
            for r in results {
                guard case .array(let tokens)? = r.fields["unknown"] else { continue }
                for case .string(let token) in tokens where !unknown.contains(token) { unknown.append(token) }
            }
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
