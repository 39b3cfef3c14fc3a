import RecurBuiltins
import RecurKit
import XCTest

/// `recur states` records what the cells compute: the recorded signals equal a hand-run step,
/// and the recorded top-layer h equals the stack's own (fused) output.
final class SignalRecordingTests: XCTestCase {
    func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

    func input(steps: Int, width: Int) -> Variable {
        var rng = RandomGenerator(seed: 7)
        return Variable(Tensor(shape: [steps, 1, width], scalars: (0..<(steps * width)).map { _ in rng.nextUnit() * 2 - 1 }))
    }

    func testLSTMGatesEqualTheEquationsAndTheStacksOutput() throws {
        var rng = RandomGenerator(seed: 1)
        let stack = try RecurrentStack(StackConfig(cell: "lstm", hiddenSize: 5, layers: 2), inputSize: 3, registry: Builtins.cells(), rng: &rng)
        let x = input(steps: 6, width: 3)
        let recorded = RecordedSignals.record(stack, input: x)
        XCTAssertEqual(recorded.layers.map(\.names), [["i", "f", "g", "o", "c", "h"], ["i", "f", "g", "o", "c", "h"]])

        // Layer 0 by hand: z = W_ih x + b_ih + W_hh h + b_hh, gates i, f, g, o.
        let p = Dictionary(uniqueKeysWithValues: stack.namedParameters.map { ($0.name, $0.variable.value) })
        let (wih, whh, bih, bhh) = (p["weight_ih_l0"]!, p["weight_hh_l0"]!, p["bias_ih_l0"]!, p["bias_hh_l0"]!)
        let H = 5, X = 3
        var h = [Float](repeating: 0, count: H), c = h
        for t in 0..<6 {
            let xt = Array(x.value.scalars[(t * X)..<((t + 1) * X)])
            let z = (0..<(4 * H)).map { r -> Float in
                var sum = bih.scalars[r] + bhh.scalars[r]
                for k in 0..<X { sum += wih.scalars[r * X + k] * xt[k] }
                for k in 0..<H { sum += whh.scalars[r * H + k] * h[k] }
                return sum
            }
            let i = (0..<H).map { sigmoid(z[$0]) }, f = (0..<H).map { sigmoid(z[H + $0]) }
            let g = (0..<H).map { tanh(z[2 * H + $0]) }, o = (0..<H).map { sigmoid(z[3 * H + $0]) }
            c = (0..<H).map { f[$0] * c[$0] + i[$0] * g[$0] }
            h = (0..<H).map { o[$0] * tanh(c[$0]) }
            let layer = recorded.layers[0].values
            for (name, expected) in [("i", i), ("f", f), ("g", g), ("o", o), ("c", c), ("h", h)] {
                for u in 0..<H { XCTAssertEqual(layer[name]![t][u], expected[u], accuracy: 1e-5, "\(name)[\(u)] at t=\(t)") }
            }
        }

        // The top layer's recorded h is the stack's output (fused path).
        let output = GradMode.withNoGrad { var r = RandomGenerator(seed: 0); return stack(x, rng: &r).output }
        for t in 0..<6 {
            for u in 0..<H {
                XCTAssertEqual(recorded.layers[1].values["h"]![t][u], output.value.scalars[t * H + u], accuracy: 1e-5)
            }
        }
        let saturation = recorded.saturation()
        XCTAssertEqual(saturation.map(\.gate), ["i", "f", "o", "i", "f", "o"])
        XCTAssertTrue(saturation.allSatisfy { $0.left.allSatisfy { (0...1).contains($0) } && $0.left.count == H })
    }

    func testGRUAndCellsWithoutProbesRecordTheirState() throws {
        for (cell, names) in [("gru", ["r", "z", "n", "h"]), ("rnn", ["h"])] {
            var rng = RandomGenerator(seed: 2)
            let stack = try RecurrentStack(StackConfig(cell: cell, hiddenSize: 4), inputSize: 3, registry: Builtins.cells(), rng: &rng)
            let x = input(steps: 5, width: 3)
            let recorded = RecordedSignals.record(stack, input: x)
            XCTAssertEqual(recorded.layers[0].names, names, cell)
            let output = GradMode.withNoGrad { var r = RandomGenerator(seed: 0); return stack(x, rng: &r).output }
            XCTAssertEqual(recorded.layers[0].values["h"]!.flatMap { $0 }, output.value.scalars, accuracy: 1e-5, cell)
        }
    }
}

private func XCTAssertEqual(_ a: [Float], _ b: [Float], accuracy: Float, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, message, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, message, file: file, line: line) }
}
