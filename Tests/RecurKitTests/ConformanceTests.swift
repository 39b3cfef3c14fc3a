import XCTest
import RecurKit

/// `recur check-cell` for every built-in cell, as a test.
final class ConformanceTests: XCTestCase {
    func assertConforms(_ name: String, options: [String: JSONValue] = [:]) throws {
        let results = CellConformance(try builtinCells().lookup(name), options: options).run()
        XCTAssertEqual(results.count, 10)
        for r in results { XCTAssertTrue(r.passed, "\(name) \(options): \(r.check): \(r.detail)") }
    }

    func testRNN() throws { try assertConforms("rnn") }
    func testRNNRelu() throws { try assertConforms("rnn", options: ["nonlinearity": "relu"]) }
    func testLSTM() throws { try assertConforms("lstm") }
    func testGRU() throws { try assertConforms("gru") }
    func testZoo() throws {
        for cell in ["lnlstm", "peephole", "cifg", "mgu", "indrnn", "sru", "minlstm", "slstm"] { try assertConforms(cell) }
        try assertConforms("indrnn", options: ["nonlinearity": "tanh"])
        try assertConforms("lstm", options: ["forget_bias": .double(1)])
        try assertConforms("lstm", options: ["init": .string("orthogonal")])
        try assertConforms("cifg", options: ["init": .string("chrono"), "t_max": .int(20)])
        try assertConforms("gru", options: ["init": .string("chrono"), "t_max": .int(20)])
    }

    func testABrokenFusedPathIsCaught() throws {
        // A cell whose fused path drops the recurrent term must fail "fused ≡ generic".
        let broken = CellDescriptor(name: "broken", summary: "", version: "0") { config, rng in
            BrokenCell(config, rng: &rng)
        }
        let results = CellConformance(broken).run()
        XCTAssertFalse(results.first { $0.check.hasPrefix("fused ≡ generic") }!.passed)
        XCTAssertTrue(results.first { $0.check.hasPrefix("gradient check, generic") }!.passed)
    }
}

/// A tanh RNN whose fused path is wrong on purpose (it forgets b_hh).
final class BrokenCell: Cell {
    let weights: GatedWeights
    init(_ config: CellConfig, rng: inout RandomGenerator) {
        weights = GatedWeights(gates: 1, inputSize: config.inputSize, hiddenSize: config.hiddenSize, rng: &rng)
    }
    var inputSize: Int { weights.weightIH.shape[1] }
    var hiddenSize: Int { weights.weightHH.shape[1] }
    var stateSizes: [Int] { [hiddenSize] }
    var namedParameters: [NamedParameter] { weights.named }
    func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
        let h = (weights.inputProjection(x) + weights.hiddenProjection(state[0])).tanh()
        return (h, [h])
    }
    var fusedPath: (any FusedSequencePath)? {
        struct Wrong: FusedSequencePath {
            let cell: BrokenCell
            func run(input: Variable, initialState: [Variable], mask: Tensor?, reverse: Bool) -> (output: Variable, state: [Variable]) {
                var h = initialState[0]
                var outs: [Variable] = []
                for t in 0..<input.shape[0] {
                    h = (cell.weights.inputProjection(input.select(t)) + matmul(h, cell.weights.weightHH, transposeB: true)).tanh()
                    outs.append(h)
                }
                return (stack(outs), [h])
            }
        }
        return Wrong(cell: self)
    }
}
