import ArgumentParser
import Foundation
import RecurKit

/// `recur sample`: `recur predict` for text generators, with the char-lm's options as flags.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample", abstract: "Text from a trained char-lm (from a prime), or from a conditional-lm (of a class, --condition).")

    @Argument(help: ArgumentHelp("Run directory or bundle.", valueName: "run-or-bundle")) var runPath: String
    @OptionGroup var weights: BestWeightsOption
    @Option(help: "Text to start from.") var prime: String = ""
    @Option(parsing: .unconditional, help: "Characters to generate.") var length: Int = 500
    @Option(parsing: .unconditional, help: "Softmax temperature (> 0; lower is more conservative).") var temperature: Float = 1
    @Option(name: .customLong("top-k"), parsing: .unconditional, help: "Sample only from the k most likely characters.") var topK: Int?
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "conditional-lm: the class to generate (see its labels.json).") var condition: String?
    @Option(name: .customShort("n"), help: "conditional-lm: how many distinct samples.") var count: Int = 5
    @Flag(help: "Print one JSON object (the prediction's fields: text, or samples; steps with --show-scores).") var json = false
    @Flag(help: "Keep the weights in half precision (fp16) while sampling: about twice as fast on a large model; samples differ slightly from fp32.")
    var half = false
    @Flag(help: "Keep the weights in bfloat16 while sampling: faster than --half (8 significant bits instead of 11); samples differ slightly from fp32.")
    var bf16 = false
    @Flag(help: "Keep the weights in int8 (a scale per row) while sampling: faster than --bf16; samples differ from fp32.")
    var int8 = false
    @Flag(help: "Keep the weights in int4 (a scale and minimum per row and 64 columns) while sampling: faster than --int8; costs about 1% more loss per character.")
    var int4 = false
    @Option(parsing: .unconditional, help: "Threads sharing each step (1 or 2): each computes half the hidden units of every layer; the same samples either way.")
    var threads: Int = 1
    @Flag(name: .customLong("show-scores"), help: "Print every step: input, hidden state (when small), output scores and probabilities.")
    var showScores = false

    func validate() throws {
        guard temperature > 0 && temperature.isFinite else { throw ValidationError("--temperature must be positive (got \(temperature)).") }
        guard length >= 0 else { throw ValidationError("--length must not be negative (got \(length)).") }
        if let topK, topK < 1 { throw ValidationError("--top-k must be at least 1 (got \(topK)).") }
        guard (1...2).contains(threads) else { throw ValidationError("--threads must be 1 or 2 (got \(threads)).") }
        let chosen = [("--half", half), ("--bf16", bf16), ("--int8", int8), ("--int4", int4)].filter(\.1).map(\.0)
        guard chosen.count <= 1 else { throw ValidationError("\(chosen.joined(separator: " and ")) choose the weights' precision: give one.") }
    }

    func run() throws {
        try reportingErrors {
            let loaded = try LoadedRun(path: runPath, best: weights.best)
            if let condition {
                guard loaded.config.task == "conditional-lm", let predictor = loaded.session as? any Predicting else {
                    throw UserError("--condition needs a conditional-lm run; this one is \(loaded.config.task)")
                }
                let options = ["n": "\(count)", "temperature": "\(temperature)", "top-k": "\(topK ?? 0)", "prime": prime]
                try show(try GradMode.withNoGrad { try predictor.predict([condition], text: options, seed: seed) }[0])
                return
            }
            guard loaded.session is any TextGenerating, let predictor = loaded.session as? any Predicting else {
                throw UserError("task '\(loaded.config.task)' does not generate text; `recur sample` works with char-lm runs (`recur predict` serves every task)")
            }
            let options = ["length": "\(length)", "temperature": "\(temperature)", "top-k": "\(topK ?? 0)", "show-scores": "\(showScores)", "half": "\(half)", "bf16": "\(bf16)", "int8": "\(int8)", "int4": "\(int4)", "threads": "\(threads)"]
            try show(try GradMode.withNoGrad { try predictor.predict([prime], text: options, seed: seed) }[0])
        }
    }

    func show(_ result: Prediction) throws {
        if json {
            var object = result.fields.mapValues(\.foundationValue)
            object["input"] = result.input
            try printJSON(object)
        } else {
            print(result.text)
        }
    }
}
