import ArgumentParser
import Foundation
import RecurKit

/// `recur predict`: one inference command for every task. It loads the run, hands each input to
/// the task's ``Predicting`` conformance with the task's own prediction options, and prints
/// the readable result or, with `--json`, one object per input.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict", abstract: "Run a trained model of any task on inputs given as text.",
        discussion: """
        Each task reads its own kind of input and has its own prediction options (char-lm: a prime, \
        --length, --temperature, --top-k, --show-scores; classification: a text, --top-k; translation: a sentence, \
        --beam; tagging: a sentence; conditional-lm: a class name, --n, --temperature, --top-k, --prime; adding: values \
        with the two to add marked, "0.2 0.7* 0.1 0.4*"; copy: the symbols to remember; captioning: a PNG, --beam, \
        --attention-map OUT.png; vqa: a PNG and a question, --top-k, --attention-map OUT.png; with --input FILE, \
        vqa reads IMAGE<TAB>QUESTION lines).
        """)

    @Argument(help: ArgumentHelp("Run directory or bundle.", valueName: "run-or-bundle")) var runPath: String
    @OptionGroup var weights: BestWeightsOption
    @Option(help: "A file with one input per line.") var input: String?
    @Option(parsing: .unconditional, help: "Random seed, for tasks that sample.") var seed: UInt64 = 0
    @Flag(help: "Print one JSON object per input, one per line.") var json = false
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Inputs, one prediction each (or --input FILE), and the task's prediction options (--name value).", valueName: "input"))
    var rest: [String] = []

    /// Words that are not options: the inputs.
    var inputs: [String] { split.inputs }

    /// `rest` taken apart: `--name value` pairs are prediction options, other words inputs.
    var split: (inputs: [String], options: [String]) {
        var inputs: [String] = [], options: [String] = []
        var i = 0
        while i < rest.count {
            if rest[i].hasPrefix("--") && rest[i].count > 2 {
                options.append(rest[i])
                if !rest[i].contains("="), i + 1 < rest.count { options.append(rest[i + 1]); i += 1 }
            } else {
                inputs.append(rest[i])
            }
            i += 1
        }
        return (inputs, options)
    }

    func validate() throws {
        guard inputs.isEmpty != (input == nil) else { throw ValidationError("give inputs as arguments or --input FILE (one of them).") }
    }

    func run() throws {
        try reportingErrors {
            let loaded = try LoadedRun(path: runPath, best: weights.best)
            guard let predictor = loaded.session as? any Predicting else {
                throw UserError("task '\(loaded.config.task)' has no inference (it does not conform to Predicting)")
            }
            let texts = try input.map { try inputLines($0).map(\.text) } ?? grouped(inputs, by: predictor.inputsPerPrediction,
                                                                                    task: loaded.config.task)
            let options = try keyValueArguments(split.options, command: "predict")
            let results: [Prediction]
            do { results = try GradMode.withNoGrad { try predictor.predict(texts, text: options, seed: seed) } } catch let error as UnknownOptionError {
                // A usage error like any other (exit 64), though it is only known once the run is loaded.
                FileHandle.standardError.write(Data("recur: \(error)\n".utf8))
                throw ExitCode(64)
            } catch let error as ConfigValueError {
                FileHandle.standardError.write(Data("recur: \(flagWording(error))\n".utf8))
                throw ExitCode(64)
            }
            for result in results {
                if json {
                    var object = result.fields.mapValues(\.foundationValue)
                    object["input"] = result.input
                    try printJSON(object)
                } else {
                    print(texts.count > 1 ? "\(result.input)\t\(result.text)" : result.text)
                }
            }
        }
    }
}

/// Command-line words in groups of `size`, each joined by a tab (one input of a task that reads
/// several words per prediction, such as vqa's image and question).
func grouped(_ words: [String], by size: Int, task: String) throws -> [String] {
    guard size > 1 else { return words }
    guard words.count % size == 0 else {
        FileHandle.standardError.write(Data("recur: task '\(task)' reads \(size) words per prediction (vqa: IMAGE.png \"QUESTION\"); got \(words.count)\n".utf8))
        throw ExitCode(64)
    }
    return stride(from: 0, to: words.count, by: size).map { words[$0..<($0 + size)].joined(separator: "\t") }
}

/// `--name value` / `--name=value` pairs for a plugin's own options.
func keyValueArguments(_ words: [String], command: String) throws -> [String: String] {
    var result: [String: String] = [:]
    var i = 0
    while i < words.count {
        let word = words[i]
        guard word.hasPrefix("--") else { throw UserError("unexpected argument '\(word)'; see `recur \(command) --help`") }
        let body = word.dropFirst(2)
        if let eq = body.firstIndex(of: "=") {
            result[String(body[..<eq])] = String(body[body.index(after: eq)...])
            i += 1
        } else if i + 1 == words.count || words[i + 1].hasPrefix("--") {
            // A bare `--crf`: a true/false option switched on (any other type refuses "true").
            result[String(body)] = "true"
            i += 1
        } else {
            result[String(body)] = words[i + 1]
            i += 2
        }
    }
    return result
}

/// The non-blank lines of an input file (``LineReader``: UTF-8, a BOM dropped, `\r\n` read as `\n`).
/// Blank lines are skipped; each line keeps its number for messages.
func inputLines(_ path: String) throws -> [TextLine] {
    let lines = try LineReader(URL(fileURLWithPath: path)).lines().filter { !$0.text.allSatisfy(\.isWhitespace) }
    guard !lines.isEmpty else { throw UserError("\(path): no inputs (every line is blank)") }
    return lines
}
