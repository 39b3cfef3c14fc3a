import ArgumentParser
import Foundation
import RecurKit

struct CheckCellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-cell",
        abstract: "Run the conformance suite on a registered cell.",
        discussion: """
        Checks: shapes and zero state; finite-difference gradients of a small masked sequence loss \
        with respect to every parameter, the inputs and the initial state (both paths, both \
        directions); fused ≡ generic; the traced generic path ≡ the plain step loop; driver ≡ a manual step loop; a masked batch ≡ each sequence \
        run alone; bidirectional ≡ two drivers; save/load round trip; determinism. Exits non-zero \
        on any failure.
        """)

    @Argument(help: "Cell name (see `recur list cells`).") var name: String
    @Option(name: .customLong("cell-option"), help: "Cell option key=value (repeatable).") var cellOptions: [String] = []
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        var failed = false
        try reportingErrors {
            let descriptor = try Registries.cells.lookup(name)
            let options = try descriptor.options.resolve(stored: [:], text: try parseKeyValues(cellOptions, flag: "--cell-option"))
            let results = CellConformance(descriptor, options: options).run()
            failed = results.contains { !$0.passed }
            var rng = RandomGenerator(seed: 0)
            let plan = SequenceDriver.genericPlan(for: try descriptor.make(CellConfig(inputSize: 3, hiddenSize: 5, options: options), &rng))
            if json {
                try printJSON(["cell": name, "passed": !failed, "generic_plan": plan,
                               "checks": results.map { ["check": $0.check, "passed": $0.passed, "detail": $0.detail] }])
            } else {
                for r in results { print("\(r.passed ? "PASS" : "FAIL")  \(r.check)\(r.detail.isEmpty ? "" : ": \(r.detail)")") }
                print("generic path: \(plan)")
                print(failed ? "\(name): some checks failed" : "\(name): all \(results.count) checks passed")
            }
        }
        if failed { throw ExitCode(1) }
    }
}

/// `key=value` pairs from a repeatable option.
func parseKeyValues(_ pairs: [String], flag: String) throws -> [String: String] {
    var result: [String: String] = [:]
    for pair in pairs {
        guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
            throw UserError("\(flag) \(pair): expected key=value")
        }
        result[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
    }
    return result
}
