import XCTest
@testable import RecurKit

/// The compiled step folds chains of adds into one sum and lets single-use terms share the sum's
/// gradient (``SumSharing``); values and gradients against the plain loop are
/// ``TracedSequenceTests``' part.
final class StepProgramSumsTests: XCTestCase {
    func program(_ name: String, hidden: Int = 6) throws -> StepProgram {
        var rng = RandomGenerator(seed: 1)
        let cell = try builtinCells().lookup(name).make(CellConfig(inputSize: 5, hiddenSize: hidden), &rng)
        guard case .success(let trace) = StepTrace.trace(cell), let program = TracedSequence(trace).program else {
            XCTFail("\(name) does not compile")
            throw XCTSkip("no program")
        }
        return program
    }

    /// LSTM: `(x·W_ih + b_ih) + (h·W_hh + b_hh)` is one sum of four terms; the product's and the
    /// x-product's gradients are the sum's, which lives in the product's kept ∂y; and
    /// `c_t = f ⊙ c + i ⊙ g` gives both products its own gradient. A step's gradient block holds
    /// the four gates, c_t, tanh c_t and h_t: 7·H (it held 25·H).
    func testTheLSTMPreActivationIsOneSum() throws {
        let h = 6
        let program = try program("lstm", hidden: h)
        let sums = program.instructions.filter { if case .add = $0.op { return $0.width == 4 * h }; return false }
        XCTAssertEqual(sums.count, 1)
        let sum = try XCTUnwrap(sums.first)
        XCTAssertEqual(sum.operands.count, 4)
        let product = try XCTUnwrap(program.instructions.first { if case .matmul = $0.op { return true }; return false })
        XCTAssertEqual(program.sharing.gradientAlias[product.node], sum.node)
        XCTAssertEqual(program.sharing.homes[sum.node], product.node)
        XCTAssertTrue(program.deferredProducts.contains(product.node))
        XCTAssertEqual(program.blockWidth, 7 * h)
    }

    /// A sum read twice keeps its own gradient, and so does a term read twice: GRU's `h·W_hh + b_hh`
    /// is sliced into three gate blocks (a view read by three ops), so it is no single-use term.
    func testOnlySingleUseTermsShareTheSumsGradient() throws {
        let program = try program("gru")
        for instruction in program.instructions {
            for case .rows(.node(let j)) in instruction.operands where program.sharing.gradientAlias[j] != nil {
                let readers = program.instructions.filter { $0.operands.contains { if case .rows(.node(j)) = $0 { return true }; return false } }
                XCTAssertEqual(readers.count, 1, "node \(j)")
                XCTAssertEqual(program.sharing.gradientAlias[j], readers.first?.node)
            }
        }
        for (node, _) in program.sharing.gradientAlias {
            XCTAssertTrue(program.views.values.allSatisfy { $0.root != .node(node) }, "node \(node) is a view's root")
        }
    }
}
