import Foundation
import XCTest
import RecurKit
import RecurTestSupport

/// Every built-in cell against the independent NumPy reference (`scripts/golden.py`): outputs,
/// final states and every gradient, for 1 layer and for 2 bidirectional layers, on both paths.
final class GoldenCellTests: XCTestCase {
    func testAllCasesBothPaths() throws {
        let cases = try Golden.load("cells")["cases"] as! [[String: Any]]
        XCTAssertEqual(cases.count, 6)
        for c in cases {
            for path in [SequenceDriver.Path.fused, .generic] { try check(c, path: path) }
        }
    }

    func check(_ c: [String: Any], path: SequenceDriver.Path) throws {
        let cellName = c["cell"] as! String, layers = c["layers"] as! Int, bidirectional = c["bidirectional"] as! Bool
        let label = "\(cellName) \(layers)L\(bidirectional ? " bi" : "") \(path)"
        var rng = RandomGenerator(seed: 0)
        let stack = try RecurrentStack(StackConfig(cell: cellName, hiddenSize: c["hidden_size"] as! Int, layers: layers,
                                                   bidirectional: bidirectional),
                                       inputSize: c["input_size"] as! Int, registry: builtinCells(), rng: &rng)
        stack.path = path
        let params = (c["params"] as! [String: Any]).mapValues { Golden.tensor($0) }
        try load(params, into: stack.namedParameters)
        let x = parameter(Golden.tensor(c["x"]), "x")
        let isLSTM = cellName == "lstm"
        let h0 = Golden.tensor(c["h0"]), c0 = isLSTM ? Golden.tensor(c["c0"]) : nil
        let cells = stack.cells.count, block = h0.count / cells
        func slot(_ t: Tensor, _ i: Int) -> Variable {
            parameter(Tensor(shape: Array(t.shape.dropFirst()), scalars: Array(t.scalars[(i * block)..<((i + 1) * block)])), "state")
        }
        let initial = (0..<cells).map { i in [slot(h0, i)] + (c0.map { [slot($0, i)] } ?? []) }
        let (output, state) = stack(x, initialState: initial, rng: &rng)
        assertClose(output.value, Golden.tensor(c["output"]), "\(label) output")
        assertClose(RecurrentStack.stacked(state, component: 0), Golden.tensor(c["h_n"]), "\(label) h_n")
        if isLSTM { assertClose(RecurrentStack.stacked(state, component: 1), Golden.tensor(c["c_n"]), "\(label) c_n") }

        var loss = (output * Variable(Golden.tensor(c["R_out"]))).sum()
        let rh = Golden.tensor(c["R_h"]), rc = isLSTM ? Golden.tensor(c["R_c"]) : nil
        for i in 0..<cells {
            loss = loss + (state[i][0] * slot(rh, i)).sum()
            if let rc { loss = loss + (state[i][1] * slot(rc, i)).sum() }
        }
        XCTAssertEqual(Double(loss.value.scalar), (c["loss"] as! NSNumber).doubleValue, accuracy: 1e-4, label)
        loss.backward()
        let grads = c["grads"] as! [String: Any]
        for (name, p) in stack.namedParameters { assertClose(p.grad, Golden.tensor(grads[name]), "\(label) ∂\(name)") }
        assertClose(x.grad, Golden.tensor(grads["x"]), "\(label) ∂x")
        func stackedGrad(_ component: Int) -> Tensor {
            Tensor(shape: [cells] + initial[0][component].shape, scalars: initial.flatMap { $0[component].grad!.scalars })
        }
        assertClose(stackedGrad(0), Golden.tensor(grads["h0"]), "\(label) ∂h0")
        if isLSTM { assertClose(stackedGrad(1), Golden.tensor(grads["c0"]), "\(label) ∂c0") }
    }

    /// 1e-5 relative; the absolute floor covers the reference's 6-decimal rounding of small values.
    func assertClose(_ actual: Tensor?, _ expected: Tensor, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let actual else { return XCTFail("\(what): missing", file: file, line: line) }
        XCTAssertTrue(actual.isClose(to: expected, rtol: 1e-5, atol: 2e-6), "\(what): max difference \(actual.maxAbsDifference(expected))",
                      file: file, line: line)
    }
}
