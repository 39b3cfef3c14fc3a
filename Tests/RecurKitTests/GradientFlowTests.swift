import XCTest
@testable import RecurKit

final class GradientFlowTests: XCTestCase {
    func testNormsCoverEveryStepAndTheInitialState() throws {
        let result = try GradientFlow.atInitialisation(cell: "lstm", registry: builtinCells(), length: 7, hidden: 5, batch: 3)
        XCTAssertEqual(result.norms.count, 8)
        XCTAssertEqual(result.cellStateNorms?.count, 8)
        // The loss reads h_T through a unit vector, so each sequence's gradient there has norm 1.
        XCTAssertEqual(result.norms[0], 1, accuracy: 1e-5)
        XCTAssertNil(try GradientFlow.atInitialisation(cell: "gru", registry: builtinCells(), length: 3, hidden: 4).cellStateNorms)
    }

    /// The seed's claim at initialisation, T = 100, hidden 128.
    func testVanillaRNNVanishesAndLSTMCarriesFurther() throws {
        let rnn = try GradientFlow.atInitialisation(cell: "rnn", registry: builtinCells(), length: 100, hidden: 128)
        let lstm = try GradientFlow.atInitialisation(cell: "lstm", registry: builtinCells(), length: 100, hidden: 128)
        XCTAssertGreaterThanOrEqual(rnn.decay(to: 100), 1000)
        XCTAssertGreaterThan(rnn.decay(to: 100), 1000 * lstm.decay(to: 100))
    }

    /// ‖∂L/∂h_t‖ against central differences of L with respect to h_t itself (the run is replayed
    /// from step t with h_t perturbed), for an intermediate step and the initial state.
    func testNormsMatchFiniteDifferences() throws {
        let registry = builtinCells()
        for name in ["rnn", "lstm"] {
            var rng = RandomGenerator(seed: 3)
            let cell = try registry.lookup(name).make(CellConfig(inputSize: 2, hiddenSize: 3), &rng)
            let steps = 6
            let inputs = rng.normalTensor([steps, 1, 2])
            let r = Variable(rng.normalTensor([3, 1]))
            let result = GradientFlow.measure(cell, name: name, inputs: inputs) { matmul($0, r).sum() }

            // States after each step, without a graph.
            var states = [cell.zeroState(batch: 1).map(\.value)]
            GradMode.withNoGrad {
                for t in 0..<steps { states.append(cell.step(Variable(inputs).select(t), state: states[t].map { Variable($0) }).state.map(\.value)) }
            }
            func loss(from t: Int, _ start: [Tensor]) -> Double {
                GradMode.withNoGrad {
                    var state = start.map { Variable($0) }
                    var h = state[0]
                    for u in t..<steps { (h, state) = cell.step(Variable(inputs).select(u), state: state) }
                    return Double(matmul(h, r).sum().value.scalar)
                }
            }
            for t in [0, 2] {
                for component in 0..<cell.stateSizes.count {
                    var squared = 0.0
                    let epsilon: Float = 1e-2
                    for i in 0..<3 {
                        var up = states[t], down = states[t]
                        up[component].scalars[i] += epsilon
                        down[component].scalars[i] -= epsilon
                        let derivative = (loss(from: t, up) - loss(from: t, down)) / Double(2 * epsilon)
                        squared += derivative * derivative
                    }
                    let measured = component == 0 ? result.norms[steps - t] : result.cellStateNorms![steps - t]
                    XCTAssertEqual(measured, squared.squareRoot(), accuracy: 2e-3 + 2e-2 * measured, "\(name) t=\(t) component \(component)")
                }
            }
        }
    }
}
