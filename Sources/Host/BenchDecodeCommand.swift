import ArgumentParser
import Foundation
import RecurKit
import TranslationTask

struct BenchDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Translation decoding speed (`recur translate`'s greedy and beam search) on random weights: the tape's decoder step against the resident one.",
        discussion: """
        Random weights rarely produce <eos>, so every sentence runs --max-steps decoder steps \
        per hypothesis: the figure is decoder steps per second of one sentence at a time.
        """)

    @Option(help: "Cell name.") var cell: String = "lstm"
    @Option(parsing: .unconditional, help: "Hidden size (the recipe's 256).") var hidden: Int = 256
    @Option(parsing: .unconditional, help: "Embedding width.") var embedding: Int = 256
    @Option(parsing: .unconditional, help: "Layers.") var layers: Int = 1
    @Option(name: .customLong("source-vocab"), parsing: .unconditional, help: "Source vocabulary.") var sourceVocabulary: Int = 2751
    @Option(name: .customLong("target-vocab"), parsing: .unconditional, help: "Target vocabulary.") var targetVocabulary: Int = 4209
    @Option(help: "Attention score (dot, general, additive, none).") var attention: String = "dot"
    @Flag(name: .customLong("input-feeding"), help: "Feed õ back into the decoder.") var inputFeeding = false
    @Option(parsing: .unconditional, help: "Beam width (1: greedy).") var beam: Int = 1
    @Option(name: .customLong("max-steps"), parsing: .unconditional, help: "Decoder steps per sentence.") var maxSteps: Int = 20
    @Option(parsing: .unconditional, help: "Sentences per timed run (best of 3, tape and resident alternating).") var sentences: Int = 10
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            BLAS.threads = 1
            guard let kind = AttentionKind(rawValue: attention) else { throw ValidationError("--attention: one of dot, general, additive, none") }
            var rng = RandomGenerator(seed: 0)
            let model = try TranslationModel(sourceVocabulary: sourceVocabulary, targetVocabulary: targetVocabulary, embedding: embedding,
                                             stack: StackConfig(cell: cell, hiddenSize: hidden, layers: layers), attention: kind,
                                             inputFeeding: inputFeeding, cells: Registries.cells, rng: &rng)
            let sources: [[Int32]] = (0..<sentences).map { _ in (0..<12).map { _ in Int32(4 + Int(rng.nextUnit() * Float(sourceVocabulary - 5))) } + [3] }
            var best = [Double.infinity, .infinity]
            for _ in 0..<3 {
                for (i, resident) in [false, true].enumerated() {
                    let start = DispatchTime.now().uptimeNanoseconds
                    GradMode.withNoGrad {
                        for source in sources {
                            _ = beam == 1 ? model.greedy([source], maxSteps: maxSteps, resident: resident)[0]
                                : model.beamSearch(source, width: beam, maxSteps: maxSteps, resident: resident)
                        }
                    }
                    best[i] = min(best[i], Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                }
            }
            let (tape, resident) = (Double(sentences) / best[0], Double(sentences) / best[1])
            if json {
                try printJSON(["cell": cell, "hidden": hidden, "layers": layers, "attention": attention, "input_feeding": inputFeeding,
                               "beam": beam, "max_steps": maxSteps, "tape_sentences_per_second": (tape * 10).rounded() / 10,
                               "resident_sentences_per_second": (resident * 10).rounded() / 10])
            } else {
                print(String(format: "%@ %d×%d, %@ attention, beam %d, %d steps: tape %.1f sentences/s, resident %.1f (%.2f×)",
                             cell, layers, hidden, attention, beam, maxSteps, tape, resident, resident / tape))
            }
        }
    }
}
