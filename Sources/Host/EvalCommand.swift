import ArgumentParser
import Foundation
import RecurKit

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "Score a trained run on its validation split or on another file.")

    @Argument(help: ArgumentHelp("Run directory or bundle.", valueName: "run-or-bundle")) var runPath: String
    @OptionGroup var weights: BestWeightsOption
    @Option(help: "Score this file instead of the validation split.") var data: String?
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            let loaded = try LoadedRun(path: runPath, data: data, best: weights.best)
            let metrics: [String: Double]
            if let data {
                guard let evaluable = loaded.session as? any ExternallyEvaluable else {
                    throw UserError("task '\(loaded.config.task)' cannot score an outside file")
                }
                metrics = try GradMode.withNoGrad { try evaluable.evaluate(file: URL(fileURLWithPath: data)) }
            } else {
                try loaded.requireData(to: "score it")
                metrics = try GradMode.withNoGrad { try loaded.session.evaluate() }
            }
            if json {
                var object: [String: Any] = ["run": loaded.source, "step": loaded.checkpoint.position.step]
                for (k, v) in metrics { object[k] = v }
                try printJSON(object)
            } else {
                print("step \(loaded.checkpoint.position.step)")
                for (k, v) in metrics.sorted(by: { $0.key < $1.key }) { print("\(k) \(MetricText.value(k, v))") }
                if let report = (loaded.session as? any EvaluationReporting)?.evaluationReport() { print(report.text) }
            }
        }
    }
}
