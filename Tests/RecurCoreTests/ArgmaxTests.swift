import XCTest
import RecurCore

/// `argmax(axis:)`: every axis of a 3-d tensor against a plain loop, and the first index on ties.
final class ArgmaxTests: XCTestCase {
    func testEveryAxisMatchesALoopOverThatAxis() {
        var rng = RandomGenerator(seed: 9)
        let x = rng.uniformTensor([3, 4, 5], -1, 1)
        let shape = x.shape
        for axis in 0..<3 {
            let others = (0..<3).filter { $0 != axis }
            var expected: [Int] = []
            for i in 0..<shape[others[0]] {
                for j in 0..<shape[others[1]] {
                    func at(_ e: Int) -> Float {
                        var index = [0, 0, 0]
                        index[others[0]] = i; index[others[1]] = j; index[axis] = e
                        return x[index[0], index[1], index[2]]
                    }
                    expected.append((0..<shape[axis]).max { at($0) < at($1) }!)
                }
            }
            XCTAssertEqual(x.argmax(axis: axis), expected, "axis \(axis)")
        }
        XCTAssertEqual(x.argmax(), x.argmax(axis: 2))
    }

    func testTiesGoToTheFirstIndex() {
        let x = Tensor(shape: [2, 4], scalars: [1, 3, 3, 0, 2, 2, 2, 2])
        XCTAssertEqual(x.argmax(axis: -1), [1, 0])
        XCTAssertEqual(x.argmax(axis: 0), [1, 0, 0, 1])
    }
}
