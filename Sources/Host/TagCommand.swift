import ArgumentParser
import Foundation
import RecurKit

/// `recur tag`: `recur predict` for taggers — each token with its tag and probability.
struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag", abstract: "Tag the words of texts with a trained tagging run: each token, its tag and the tag's probability.")

    @Argument(help: ArgumentHelp("Run directory or bundle.", valueName: "run-or-bundle")) var runPath: String
    @OptionGroup var weights: BestWeightsOption
    @Argument(help: "The text to tag, words separated by spaces (or use --input).") var text: String?
    @Option(help: "A file with one text per line.") var input: String?
    @Flag(help: "Print one JSON object per text, one per line.") var json = false

    func validate() throws {
        guard (text == nil) != (input == nil) else { throw ValidationError("give either a TEXT argument or --input FILE (one of them).") }
    }

    func run() throws {
        try reportingErrors {
            let texts = try text.map { [$0] } ?? inputLines(input!).map(\.text)
            let loaded = try LoadedRun(path: runPath, best: weights.best)
            guard loaded.config.task == "tagging", let predictor = loaded.session as? any Predicting else {
                throw UserError("task '\(loaded.config.task)' does not tag words; `recur tag` works with tagging runs (`recur predict` serves every task)")
            }
            let results = try GradMode.withNoGrad { try predictor.predict(texts, text: [:], seed: 0) }
            for (i, result) in results.enumerated() {
                if json {
                    var object = result.fields.mapValues(\.foundationValue)
                    object["input"] = result.input
                    try printJSON(object)
                } else {
                    if i > 0 { print("") }
                    print(result.text)
                }
            }
            var unknown: [String] = []
            for r in results {
                guard case .array(let tokens)? = r.fields["unknown"] else { continue }
                for case .string(let token) in tokens where !unknown.contains(token) { unknown.append(token) }
            }
            if !unknown.isEmpty && !json {
                FileHandle.standardError.write(Data("recur: note: never seen in training, read as <unk>: \(unknown.map { "'\($0)'" }.joined(separator: " "))\n".utf8))
            }
        }
    }
}
