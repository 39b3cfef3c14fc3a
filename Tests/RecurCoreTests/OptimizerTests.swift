import XCTest
import RecurCore
import RecurTestSupport

/// Optimizer steps against hand-computed values (`scripts/golden.py`, PyTorch's update rules).
final class OptimizerTests: XCTestCase {
    func run(_ key: String, _ make: ([String: Any]) -> any Optimizer) throws {
        let g = try Golden.load("optim")[key] as! [String: Any]
        let p = parameter(Tensor(shape: [5], scalars: Golden.floats(g["p0"])), "p")
        let optimizer = make(g)
        let grads = (g["grads"] as! [[NSNumber]]).map { $0.map(\.floatValue) }
        let expected = (g["params_after"] as! [[NSNumber]]).map { $0.map(\.floatValue) }
        for (step, grad) in grads.enumerated() {
            p.grad = Tensor(shape: [5], scalars: grad)
            optimizer.step([("p", p)])
            for i in 0..<5 {
                XCTAssertEqual(p.value.scalars[i], expected[step][i], accuracy: 1e-6 + 1e-5 * abs(expected[step][i]),
                               "\(key) step \(step + 1) element \(i)")
            }
        }
    }

    func lr(_ g: [String: Any]) -> Float { (g["lr"] as! NSNumber).floatValue }

    func testSGD() throws { try run("sgd") { SGD(learningRate: lr($0)) } }
    func testSGDMomentum() throws { try run("sgd_momentum") { SGD(learningRate: lr($0), momentum: 0.9) } }
    func testAdam() throws { try run("adam") { Adam(learningRate: lr($0)) } }
    func testAdagrad() throws { try run("adagrad") { Adagrad(learningRate: lr($0)) } }

    func testClippingScalesExactlyToMaxNorm() throws {
        let g = try Golden.load("optim")["clip"] as! [String: Any]
        let a = parameter(Tensor(zeros: [3]), "a"), b = parameter(Tensor(zeros: [2, 2]), "b")
        a.grad = Golden.tensor(g["a"])
        b.grad = Golden.tensor(g["b"])
        let norm = clipGradientNorm([("a", a), ("b", b)], maxNorm: 1)
        XCTAssertEqual(norm, (g["total_norm"] as! NSNumber).floatValue, accuracy: 1e-5)
        XCTAssertTrue(a.grad!.isClose(to: Golden.tensor(g["clipped_a"])))
        XCTAssertTrue(b.grad!.isClose(to: Golden.tensor(g["clipped_b"])))
        XCTAssertEqual(gradientNorm([("a", a), ("b", b)]), 1, accuracy: 1e-5)
        XCTAssertEqual(clipGradientNorm([("a", a), ("b", b)], maxNorm: 5), gradientNorm([("a", a), ("b", b)]))
    }

    func testStateRoundTripContinuesIdentically() throws {
        func makeParameter() -> Variable { parameter(Tensor(shape: [3], scalars: [0.1, -0.2, 0.3]), "w") }
        let w1 = makeParameter(), first = Adam(learningRate: 0.01)
        for step in 0..<3 { w1.grad = Tensor(shape: [3], scalars: [Float(step), 1, -1]); first.step([("w", w1)]) }
        let w2 = parameter(w1.value, "w"), second = Adam(learningRate: 0.01)
        try second.load(state: first.state, parameters: [("w", w2)])
        w1.grad = Tensor(shape: [3], scalars: [0.5, 0.5, 0.5]); first.step([("w", w1)])
        w2.grad = Tensor(shape: [3], scalars: [0.5, 0.5, 0.5]); second.step([("w", w2)])
        XCTAssertEqual(w1.value.scalars, w2.value.scalars)
        XCTAssertEqual(Set(first.state.keys), ["exp_avg.w", "exp_avg_sq.w", "step"])
    }

    /// A step writes through the buffers unchecked, so state that does not fit the parameters
    /// (a hand-edited checkpoint, a hostile bundle) must be refused when loaded, naming the key.
    func testStateThatDoesNotFitTheParametersIsRefused() throws {
        let w = parameter(Tensor(zeros: [2, 3]), "w")
        let parameters: [NamedParameter] = [("w", w)]
        let wrong = Tensor(zeros: [3, 3]), right = Tensor(zeros: [2, 3]), step = Tensor(shape: [1], scalars: [4])
        let cases: [(String, any Optimizer, [String: Tensor], String)] = [
            ("adam m", Adam(learningRate: 0.1), ["exp_avg.w": wrong, "exp_avg_sq.w": right, "step": step], "'exp_avg.w' has shape [3, 3]; parameter 'w' has shape [2, 3]"),
            ("adam v", Adam(learningRate: 0.1), ["exp_avg.w": right, "exp_avg_sq.w": Tensor(zeros: [6]), "step": step], "'exp_avg_sq.w' has shape [6]"),
            ("adam unknown parameter", Adam(learningRate: 0.1), ["exp_avg.x": right, "step": step], "'exp_avg.x' names no parameter"),
            ("adam foreign kind", Adam(learningRate: 0.1), ["sum.w": right, "step": step], "'sum.w' is not Adam state"),
            ("adam NaN step", Adam(learningRate: 0.1), ["step": Tensor(shape: [1], scalars: [.nan])], "Adam step nan"),
            ("adam huge step", Adam(learningRate: 0.1), ["step": Tensor(shape: [1], scalars: [1e30])], "is not a whole number"),
            ("sgd", SGD(learningRate: 0.1, momentum: 0.9), ["momentum.w": wrong], "'momentum.w' has shape [3, 3]"),
            ("adagrad", Adagrad(learningRate: 0.1), ["sum.w": Tensor(zeros: [])], "'sum.w' has shape []"),
        ]
        for (label, optimizer, state, message) in cases {
            XCTAssertThrowsError(try optimizer.load(state: state, parameters: parameters), label) { error in
                XCTAssertTrue("\(error)".contains(message), "\(label): \(error)")
            }
            // Refused state leaves the optimizer as it was: the next step runs on fresh buffers.
            w.grad = Tensor(shape: [2, 3], repeating: 1)
            optimizer.step(parameters)
            for (key, tensor) in optimizer.state where key != "step" { XCTAssertEqual(tensor.shape, [2, 3], "\(label) \(key)") }
        }
        for optimizer in [Adam(learningRate: 0.1), SGD(learningRate: 0.1, momentum: 0.9), Adagrad(learningRate: 0.1)] as [any Optimizer] {
            w.grad = Tensor(shape: [2, 3], repeating: 1)
            optimizer.step(parameters)
            XCTAssertNoThrow(try optimizer.load(state: optimizer.state, parameters: parameters))
        }
    }
}
