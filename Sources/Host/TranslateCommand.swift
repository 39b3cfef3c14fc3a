import ArgumentParser
import Foundation
import RecurKit
import RecurPlot

struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate", abstract: "Translate sentences with a trained translation run; optionally draw its attention.")

    @Argument(help: ArgumentHelp("Run directory or bundle.", valueName: "run-or-bundle")) var runPath: String
    @Argument(help: "The sentence to translate (or use --input).") var text: String?
    @Option(help: "A file with one sentence per line.") var input: String?
    @Option(help: "Beam width (1: greedy decoding).") var beam: Int = 1
    @Option(name: .customLong("attention-map"), help: ArgumentHelp("Write the attention weights as an SVG heatmap (one file per input line: FILE-1.svg, …).", valueName: "file.svg"))
    var attentionMap: String?

    func validate() throws {
        guard (text == nil) != (input == nil) else { throw ValidationError("give either a sentence or --input FILE, not both or neither.") }
        guard beam >= 1 else { throw ValidationError("--beam must be at least 1 (got \(beam)).") }
        // Each step keeps `beam` hypotheses and scores beam × vocabulary continuations; past a
        // thousand the search costs hours and gigabytes and finds nothing a smaller beam does not.
        guard beam <= 1000 else { throw ValidationError("--beam must be at most 1000 (got \(beam)).") }
    }

    func run() throws {
        try reportingErrors {
            let loaded = try LoadedRun(path: runPath)
            guard let translator = loaded.session as? any Translating else {
                throw UserError("task '\(loaded.config.task)' does not translate; `recur translate` works with translation runs")
            }
            let sentences: [(line: Int?, text: String)]
            if let input {
                let scalars = try TextFile.scalars(URL(fileURLWithPath: input))
                var whole = ""
                whole.unicodeScalars.append(contentsOf: scalars)
                sentences = whole.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
                    .enumerated().filter { !$0.element.allSatisfy(\.isWhitespace) }.map { ($0.offset + 1, String($0.element)) }
            } else {
                sentences = [(nil, text!)]
            }
            for (index, sentence) in sentences.enumerated() {
                let place = sentence.line.map { "\(input!):\($0): " } ?? ""
                let translation: Translation
                do { translation = try GradMode.withNoGrad { try translator.translate(sentence.text, beam: beam) } } catch {
                    throw UserError("\(place)\(error)")
                }
                if !translation.unknownTokens.isEmpty {
                    FileHandle.standardError.write(Data("recur: \(place)not in the source vocabulary, read as <unk>: \(translation.unknownTokens.joined(separator: " "))\n".utf8))
                }
                print(translation.text)
                if let attentionMap {
                    try writeMap(translation, to: sentences.count == 1 ? attentionMap : numbered(attentionMap, index + 1))
                }
            }
        }
    }

    func writeMap(_ translation: Translation, to path: String) throws {
        guard !translation.attention.isEmpty else {
            throw UserError("this model has no attention (trained with --attention none), so there is no map to draw")
        }
        var rows = translation.targetTokens
        if translation.attention.count > rows.count { rows.append("<eos>") }
        let svg = Heatmap(title: "attention α: \(translation.sourceTokens.dropLast().joined(separator: " ")) → \(translation.text)",
                          rowLabels: rows, columnLabels: translation.sourceTokens,
                          values: translation.attention.map { $0.map(Double.init) },
                          xLabel: "source", yLabel: "output").svg()
        try AtomicFile.write(Data(svg.utf8), to: URL(fileURLWithPath: path))
    }

    func numbered(_ path: String, _ n: Int) -> String {
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension.isEmpty ? "svg" : url.pathExtension
        return url.deletingPathExtension().path + "-\(n).\(ext)"
    }
}
