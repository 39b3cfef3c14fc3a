import XCTest
import RecurCore

final class PairwiseSumTests: XCTestCase {
    func testEqualsBroadcastingAndMatchesFiniteDifferences() {
        var rng = RandomGenerator(seed: 5)
        let q = parameter(rng.uniformTensor([2, 3, 5], -1, 1), "q"), k = parameter(rng.uniformTensor([2, 4, 5], -1, 1), "k")
        let fast = pairwiseSum(q, k), general = q.reshaped([2, 3, 1, 5]) + k.reshaped([2, 1, 4, 5])
        XCTAssertEqual(fast.shape, [2, 3, 4, 5])
        XCTAssertEqual(fast.value, general.value)
        let report = GradientCheck().run(inputs: [("q", q), ("k", k)]) { pairwiseSum(q, k).tanh() }
        XCTAssertTrue(report.passed, "\(report)")
        // The same gradients as the broadcasting path.
        for v in [q, k] { v.zeroGrad() }
        (pairwiseSum(q, k) * pairwiseSum(q, k)).sum().backward()
        let (gq, gk) = (q.grad!, k.grad!)
        for v in [q, k] { v.zeroGrad() }
        let b = q.reshaped([2, 3, 1, 5]) + k.reshaped([2, 1, 4, 5])
        (b * b).sum().backward()
        XCTAssertTrue(gq.isClose(to: q.grad!, rtol: 1e-5, atol: 1e-6) && gk.isClose(to: k.grad!, rtol: 1e-5, atol: 1e-6))
    }
}
