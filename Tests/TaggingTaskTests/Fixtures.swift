import Foundation
import RecurTestSupport
import RecurBuiltins
import RecurKit
@testable import TaggingTask
import XCTest


/// A tiny run config on `data`, with task options on top of the declared defaults.
func tinyConfig(data: URL?, cell: String = "lstm", hidden: Int = 12, options: [String: String] = [:]) throws -> RunConfig {
    var c = TaggingPlugin.descriptor.defaultConfig()
    c.stack.cell = cell
    c.stack.hiddenSize = hidden
    c.batch = 8
    c.learningRate = 0.02
    c.data = data?.path
    c.taskOptions = try TaggingPlugin.descriptor.resolveOptions(["embedding": "8"].merging(options) { _, new in new })
    return c
}

func makeSession(_ config: RunConfig, artifacts: [String: Data]? = nil) throws -> TaggingSession {
    try TaggingPlugin.descriptor.makeSession(config, TaskContext(cells: Builtins.cells(), artifacts: artifacts)) as! TaggingSession
}

/// A toy NER set in CoNLL layout: names (ann, bob, cy) after "met" are B-PER (and "smith"
/// after a name I-PER), towns (rome, oslo) after "in" B-LOC, other words O. 60 sentences.
func toyCoNLL() -> String {
    let names = ["ann", "bob", "cy"], towns = ["rome", "oslo"]
    var blocks: [String] = []
    for i in 0..<60 {
        var lines = ["we\tO", "met\tO", "\(names[i % 3])\tB-PER"]
        if i % 2 == 0 { lines.append("smith\tI-PER") }
        lines += ["in\tO", "\(towns[i % 2])\tB-LOC"]
        if i % 4 == 1 { lines += ["today\tO"] }
        blocks.append(lines.joined(separator: "\n"))
    }
    return "-DOCSTART- -X- -X- O\n\n" + blocks.joined(separator: "\n\n") + "\n"
}



extension RandomGenerator {
    nonisolated(unsafe) static var scratch = RandomGenerator(seed: 0)
}
