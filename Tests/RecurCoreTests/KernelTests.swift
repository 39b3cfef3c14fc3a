import Foundation
import XCTest
@testable import RecurCore

/// The vectorised approximations against Double libm over a dense grid.
final class KernelTests: XCTestCase {
    func grid() -> [Float] { stride(from: -20.0, through: 20.0, by: 0.00037).map { Float($0) } }

    func worst(_ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
               _ reference: (Double) -> Double, relative: Bool = false) -> Double {
        let x = grid()
        var y = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { px in y.withUnsafeMutableBufferPointer { kernel(px.baseAddress!, $0.baseAddress!, x.count) } }
        var worst = 0.0
        for i in 0..<x.count {
            let r = reference(Double(x[i]))
            let e = abs(Double(y[i]) - r) / (relative ? abs(r) : 1)
            worst = max(worst, e)
        }
        return worst
    }

    func testTanhWithinOneMillionth() {
        XCTAssertLessThanOrEqual(worst({ Kernels.tanh($0, into: $1, count: $2) }, Foundation.tanh), 1e-6)
    }

    func testSigmoidWithinOneMillionth() {
        XCTAssertLessThanOrEqual(worst({ Kernels.sigmoid($0, into: $1, count: $2) }, { 1 / (1 + Foundation.exp(-$0)) }), 1e-6)
    }

    func testExpRelativeError() {
        XCTAssertLessThanOrEqual(worst({ Kernels.exp($0, into: $1, count: $2) }, Foundation.exp, relative: true), 1e-6)
    }

    func testTailShorterThanOneVector() {
        let x: [Float] = [0.5, -0.25, 3]
        var y = [Float](repeating: 0, count: 3)
        x.withUnsafeBufferPointer { px in y.withUnsafeMutableBufferPointer { Kernels.tanh(px.baseAddress!, into: $0.baseAddress!, count: 3) } }
        for i in 0..<3 { XCTAssertEqual(Double(y[i]), Foundation.tanh(Double(x[i])), accuracy: 1e-6) }
    }
}
