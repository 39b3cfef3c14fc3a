import Foundation
import RecurKit
@testable import TaggingTask
import XCTest

/// The CRF layer against brute force over every tag path, and its hand-written backward against
/// finite differences.
final class CRFTests: XCTestCase {
    /// Every path of length n over K tags.
    func allPaths(_ n: Int, _ k: Int) -> [[Int]] {
        (0..<Int(pow(Double(k), Double(n)))).map { code in
            var c = code
            return (0..<n).map { _ in defer { c /= k }; return c % k }
        }
    }

    func randomLattice(n: Int, tags: Int, seed: UInt64, scale: Double = 2) -> CRFLattice {
        var rng = RandomGenerator(seed: seed)
        func draw(_ count: Int) -> [Double] { (0..<count).map { _ in Double(rng.uniform(-1, 1)) * scale } }
        return CRFLattice(n: n, tags: tags, emissions: draw(n * tags), transitions: draw(tags * tags), start: draw(tags), end: draw(tags))
    }

    func testForwardAlgorithmAndViterbiEqualBruteForce() {
        for (n, tags, seed) in [(1, 3, 1), (2, 2, 2), (3, 3, 3), (4, 3, 4), (5, 2, 5), (4, 4, 6)] as [(Int, Int, UInt64)] {
            let lattice = randomLattice(n: n, tags: tags, seed: seed)
            let scores = allPaths(n, tags).map { ($0, lattice.score($0)) }
            let m = scores.map(\.1).max()!
            let bruteLogZ = m + log(scores.reduce(0) { $0 + exp($1.1 - m) })
            XCTAssertEqual(lattice.logPartition(lattice.forward()), bruteLogZ, accuracy: 1e-9, "log Z, n \(n) K \(tags)")
            let best = scores.max { $0.1 < $1.1 }!
            let viterbi = lattice.viterbi()
            XCTAssertEqual(viterbi.path, best.0, "Viterbi path, n \(n) K \(tags)")
            XCTAssertEqual(viterbi.score, best.1, accuracy: 1e-9)
            // Marginals: p(y_t = k) summed over the paths through k.
            let marginals = lattice.marginals()
            for t in 0..<n {
                for k in 0..<tags {
                    let brute = scores.filter { $0.0[t] == k }.reduce(0) { $0 + exp($1.1 - bruteLogZ) }
                    XCTAssertEqual(marginals[t * tags + k], brute, accuracy: 1e-9, "p(y_\(t) = \(k))")
                }
            }
        }
    }

    func testLogPartitionIsStableForHugeScores() {
        let lattice = randomLattice(n: 6, tags: 4, seed: 9, scale: 5000)
        let logZ = lattice.logPartition(lattice.forward())
        XCTAssertTrue(logZ.isFinite)
        XCTAssertGreaterThanOrEqual(logZ, lattice.viterbi().score - 1e-6, "log Z ≥ the best path's score")
        XCTAssertLessThanOrEqual(logZ, lattice.viterbi().score + Double(6) * log(4.0) + 1e-6, "log Z ≤ best + n log K")
        XCTAssertTrue(lattice.marginals().allSatisfy(\.isFinite))
    }

    func testLossGradientMatchesFiniteDifferences() {
        var rng = RandomGenerator(seed: 3)
        let crf = LinearChainCRF(tags: 4, rng: &rng)
        // Bigger transitions than the initialisation, so they matter in the check.
        for p in crf.namedParameters { p.variable.assign(rng.uniformTensor(p.variable.shape, -1, 1)) }
        let emissions = Variable(rng.uniformTensor([5, 3, 4], -2, 2), requiresGrad: true, label: "emissions")
        let gold: [[Int32]] = [[0, 1, 2, 3, 1], [3, 3], [2, 0, 1]]   // lengths 5, 2 and 3: steps past them are padding
        let report = GradientCheck(epsilon: 1e-2, rtol: 1e-2, atol: 1e-3).run(
            inputs: [("emissions", emissions)] + crf.namedParameters, maxProbes: 60) {
            crf.negativeLogLikelihood(emissions: emissions, gold: gold)
        }
        XCTAssertTrue(report.passed, report.description)
        // Padding gets no gradient: sentence 1 has length 2, so steps 2…4 of column 1 are zero.
        emissions.zeroGrad()
        crf.negativeLogLikelihood(emissions: emissions, gold: gold).backward()
        for t in 2..<5 { for k in 0..<4 { XCTAssertEqual(emissions.grad![t, 1, k], 0) } }
        XCTAssertNotEqual(emissions.grad![1, 1, 0], 0)
    }

    func testNegativeLogLikelihoodIsMinusLogOfTheGoldPathsProbability() {
        var rng = RandomGenerator(seed: 4)
        let crf = LinearChainCRF(tags: 3, rng: &rng)
        let emissions = Variable(rng.uniformTensor([3, 1, 3], -1, 1))
        let lattice = crf.lattice(emissions.value, sequence: 0, length: 3)
        let paths = allPaths(3, 3)
        let total = paths.reduce(0) { $0 + exp(lattice.score($1)) }
        let gold = [2, 0, 1]
        let nll = crf.negativeLogLikelihood(emissions: emissions, gold: [gold.map(Int32.init)]).value.scalar
        XCTAssertEqual(Double(nll), -log(exp(lattice.score(gold)) / total), accuracy: 1e-5)
    }
}
