import Foundation
import RecurTestSupport
import XCTest
import ClassificationTask
import RecurBuiltins
import RecurKit
import LSTMCell
import GRUCell
import VanillaRNNCell

/// Small files the tests write, and tiny configs.

func cellRegistry() -> Registry<CellDescriptor> { Builtins.cells() }

/// A tiny run config on `data`, with task options on top of the declared defaults.
func tinyConfig(data: URL?, cell: String = "lstm", hidden: Int = 8, bidirectional: Bool = false,
                options: [String: String] = [:]) throws -> RunConfig {
    var c = RunConfig(task: "classification", stack: StackConfig(cell: cell, hiddenSize: hidden))
    ClassificationPlugin.descriptor.defaults(&c)
    c.stack.hiddenSize = hidden
    c.stack.bidirectional = bidirectional
    c.batch = 8
    c.learningRate = 0.02
    c.data = data?.path
    c.taskOptions = try ClassificationPlugin.descriptor.resolveOptions(["embedding": "6"].merging(options) { _, new in new })
    return c
}

func makeSession(_ config: RunConfig, artifacts: [String: Data]? = nil) throws -> ClassificationSession {
    try ClassificationPlugin.descriptor.makeSession(config, TaskContext(cells: cellRegistry(), artifacts: artifacts)) as! ClassificationSession
}

/// Two classes told apart by their letters: "a…" words of a/b, "x…" words of x/y, 20 each.
func twoClassTSV() -> String {
    var lines: [String] = []
    for i in 0..<20 {
        lines.append("ab\t" + String(repeating: i % 2 == 0 ? "ab" : "ba", count: 1 + i % 4))
        lines.append("xy\t" + String(repeating: i % 2 == 0 ? "xy" : "yx", count: 1 + i % 3))
    }
    return lines.joined(separator: "\n") + "\n"
}

