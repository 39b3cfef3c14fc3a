import XCTest
import RecurCore
import RecurTestSupport

/// Forward values and gradients against the NumPy reference (`scripts/golden.py`), at 1e-5 relative.
final class GoldenOpsTests: XCTestCase {
    func assertClose(_ actual: Tensor?, _ expected: Tensor, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let actual else { return XCTFail("\(what): no value", file: file, line: line) }
        XCTAssertTrue(actual.isClose(to: expected, rtol: 1e-5, atol: 1e-6),
                      "\(what): max difference \(actual.maxAbsDifference(expected))", file: file, line: line)
    }

    func testSoftmaxCrossEntropy() throws {
        let g = try Golden.load("ops")["softmax_cross_entropy"] as! [String: Any]
        let logits = parameter(Golden.tensor(g["logits"]), "logits")
        let targets = (g["targets"] as! [Int]).map(Int32.init)
        let loss = crossEntropy(logits: logits, targets: targets, ignoreIndex: Int32(g["ignore_index"] as! Int))
        XCTAssertEqual(loss.value.scalar, (g["loss"] as! NSNumber).floatValue, accuracy: 1e-5)
        loss.backward()
        assertClose(logits.grad, Golden.tensor(g["grad_logits"]), "∂logits")
        assertClose(softmax(logits).value, Golden.tensor(g["softmax"]), "softmax")
        assertClose(logSoftmax(logits).value, Golden.tensor(g["log_softmax"]), "log-softmax")
    }

    func testThreeStepTanhRNNUnrolledByHand() throws {
        let g = try Golden.load("ops")["rnn3"] as! [String: Any]
        let names = ["weight_ih", "weight_hh", "bias_ih", "bias_hh", "x", "h0"]
        let v = Dictionary(uniqueKeysWithValues: names.map { ($0, parameter(Golden.tensor(g[$0]), $0)) })
        var h = v["h0"]!
        var outputs: [Variable] = []
        for t in 0..<3 {
            h = (matmul(v["x"]!.select(t), v["weight_ih"]!, transposeB: true) + v["bias_ih"]!
                 + matmul(h, v["weight_hh"]!, transposeB: true) + v["bias_hh"]!).tanh()
            outputs.append(h)
        }
        let output = stack(outputs)
        assertClose(output.value, Golden.tensor(g["output"]), "h_1..3")
        let loss = (output * Variable(Golden.tensor(g["R"]))).sum()
        XCTAssertEqual(loss.value.scalar, (g["loss"] as! NSNumber).floatValue, accuracy: 1e-4)
        loss.backward()
        for name in names { assertClose(v[name]!.grad, Golden.tensor(g["grad_\(name)"]), "∂\(name)") }
    }

    func testOneLSTMStepByHand() throws {
        let g = try Golden.load("ops")["lstm_step"] as! [String: Any]
        let names = ["weight_ih", "weight_hh", "bias_ih", "bias_hh", "x", "h0", "c0"]
        let v = Dictionary(uniqueKeysWithValues: names.map { ($0, parameter(Golden.tensor(g[$0]), $0)) })
        let gates = matmul(v["x"]!, v["weight_ih"]!, transposeB: true) + v["bias_ih"]!
            + matmul(v["h0"]!, v["weight_hh"]!, transposeB: true) + v["bias_hh"]!
        let parts = gates.split(sizes: [4, 4, 4, 4])
        let c1 = parts[1].sigmoid() * v["c0"]! + parts[0].sigmoid() * parts[2].tanh()
        let h1 = parts[3].sigmoid() * c1.tanh()
        assertClose(h1.value, Golden.tensor(g["h1"]), "h1")
        assertClose(c1.value, Golden.tensor(g["c1"]), "c1")
        let loss = (h1 * Variable(Golden.tensor(g["Rh"]))).sum() + (c1 * Variable(Golden.tensor(g["Rc"]))).sum()
        loss.backward()
        for name in names { assertClose(v[name]!.grad, Golden.tensor(g["grad_\(name)"]), "∂\(name)") }
    }
}
