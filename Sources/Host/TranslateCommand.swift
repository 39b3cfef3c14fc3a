import ArgumentParser
import Foundation
import RecurKit
import RecurPlot

struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate", abstract: "Translate sentences with a trained translation run; optionally draw its attention.")

    @Argument(help: ArgumentHelp("Run directory or bundle.", valueName: "run-or-bundle")) var runPath: String
    @OptionGroup var weights: BestWeightsOption
    @Argument(help: "The sentence to translate (or use --input).") var text: String?
    @Option(help: "A file with one sentence per line.") var input: String?
    @Option(help: "Beam width (1: greedy decoding).") var beam: Int = 1
    @Option(name: .customLong("attention-map"), help: ArgumentHelp("Write the attention weights as an SVG heatmap (one file per input line: FILE-1.svg, …).", valueName: "file.svg"))
    var attentionMap: String?
    @Flag(help: "Print one JSON object per sentence: the translation, its tokens, the attention weights (rows: output steps, columns: source tokens), unknown words, log-probability.")
    var json = false

    func validate() throws {
        guard (text == nil) != (input == nil) else { throw ValidationError("give either a sentence or --input FILE, not both or neither.") }
        guard beam >= 1 else { throw ValidationError("--beam must be at least 1 (got \(beam)).") }
        // Each step keeps `beam` hypotheses and scores beam × vocabulary continuations; past a
        // thousand the search costs hours and gigabytes and finds nothing a smaller beam does not.
        guard beam <= 1000 else { throw ValidationError("--beam must be at most 1000 (got \(beam)).") }
    }

    func run() throws {
        try reportingErrors {
            let loaded = try LoadedRun(path: runPath, best: weights.best)
            guard loaded.config.task == "translation", let translator = loaded.session as? any Predicting else {
                throw UserError("task '\(loaded.config.task)' does not translate; `recur translate` works with translation runs (`recur predict` serves every task)")
            }
            let sentences: [(line: Int?, text: String)]
            if let input {
                sentences = try inputLines(input).map { ($0.number, $0.text) }
            } else {
                sentences = [(nil, text!)]
            }
            for (index, sentence) in sentences.enumerated() {
                let place = sentence.line.map { "\(input!):\($0): " } ?? ""
                let translation: Prediction
                do { translation = try GradMode.withNoGrad { try translator.predict([sentence.text], text: ["beam": "\(beam)"], seed: 0) }[0] } catch {
                    throw UserError("\(place)\(error)")
                }
                let unknown = strings(translation.fields["unknown"])
                if json {
                    var object = translation.fields.mapValues(\.foundationValue)
                    object["input"] = sentence.text
                    try printJSON(object)
                } else if !unknown.isEmpty {
                    FileHandle.standardError.write(Data("recur: \(place)not in the source vocabulary, read as <unk>: \(unknown.joined(separator: " "))\n".utf8))
                }
                if !json { print(translation.text) }
                if let attentionMap {
                    try writeMap(translation, to: sentences.count == 1 ? attentionMap : numbered(attentionMap, index + 1))
                }
            }
        }
    }

    /// The strings of a JSON array field.
    func strings(_ value: JSONValue?) -> [String] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
    }

    func writeMap(_ translation: Prediction, to path: String) throws {
        guard case .array(let rowsOfWeights)? = translation.fields["attention"], !rowsOfWeights.isEmpty else {
            throw UserError("this model has no attention (trained with --attention none), so there is no map to draw")
        }
        let values = rowsOfWeights.map { row -> [Double] in
            guard case .array(let cells) = row else { return [] }
            return cells.map { if case .double(let d) = $0 { d } else if case .int(let i) = $0 { Double(i) } else { .nan } }
        }
        let source = strings(translation.fields["source_tokens"])
        var rows = strings(translation.fields["target_tokens"])
        if values.count > rows.count { rows.append("<eos>") }
        let svg = Heatmap(title: "attention α: \(source.dropLast().joined(separator: " ")) → \(translation.text)",
                          rowLabels: rows, columnLabels: source, values: values,
                          xLabel: "source", yLabel: "output").svg()
        try AtomicFile.write(Data(svg.utf8), to: URL(fileURLWithPath: path))
    }

    func numbered(_ path: String, _ n: Int) -> String {
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension.isEmpty ? "svg" : url.pathExtension
        return url.deletingPathExtension().path + "-\(n).\(ext)"
    }
}
