import Foundation
import XCTest
@testable import RecurCore
import RecurKernelsAVX2
import RecurKernelsAVX512

/// The AVX-512 and AVX2 builds of the element-wise kernels against the baseline build of the
/// same source, bit for bit, on every count 0…70 (every tail length) and a grid through the
/// clamps, on each build this CPU runs (an AVX-512 machine runs all three).
final class ElementwiseBuildTests: XCTestCase {
    typealias Kernel = (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void

    var inputs: [Float] {
        stride(from: -100.0, through: 100.0, by: 0.0173).map { Float($0) } + [0, -0, 7.9053111, -7.9053111, 88.37627, -87.33655, 1e-30, -1e-30]
    }

    func assertSameBits(_ name: String, baseline: Kernel, avx2: Kernel, avx512: Kernel) {
        let flags = CPUKernelChoice.cpuFlags()
        let builds = Kernels.Build.supported(cpuFlags: flags)
        let x = inputs
        func run(_ kernel: Kernel, count: Int) -> [UInt32] {
            var y = [Float](repeating: .nan, count: count)
            x.withUnsafeBufferPointer { px in y.withUnsafeMutableBufferPointer { kernel(px.baseAddress!, $0.baseAddress!, count) } }
            return y.map(\.bitPattern)
        }
        for count in Array(0...70) + [x.count] {
            let expected = run(baseline, count: count)
            if builds.contains(.avx2) { XCTAssertEqual(run(avx2, count: count), expected, "\(name) AVX2, count \(count)") }
            if builds.contains(.avx512) { XCTAssertEqual(run(avx512, count: count), expected, "\(name) AVX-512, count \(count)") }
        }
    }

    func testTanh() {
        assertSameBits("tanh", baseline: { Kernels.map($0, $1, $2) { Kernels.tanh($0) } },
                       avx2: { RecurKernelsAVX2.Elementwise.tanh($0, into: $1, count: $2) },
                       avx512: { RecurKernelsAVX512.Elementwise.tanh($0, into: $1, count: $2) })
    }

    func testSigmoid() {
        assertSameBits("sigmoid", baseline: { Kernels.map($0, $1, $2) { Kernels.sigmoid($0) } },
                       avx2: { RecurKernelsAVX2.Elementwise.sigmoid($0, into: $1, count: $2) },
                       avx512: { RecurKernelsAVX512.Elementwise.sigmoid($0, into: $1, count: $2) })
    }

    func testExp() {
        assertSameBits("exp", baseline: { Kernels.map($0, $1, $2) { Kernels.exp($0) } },
                       avx2: { RecurKernelsAVX2.Elementwise.exp($0, into: $1, count: $2) },
                       avx512: { RecurKernelsAVX512.Elementwise.exp($0, into: $1, count: $2) })
    }

    /// Sums of the input and its reverse, written over the second operand (the fused LSTM adds
    /// gx into gh in place).
    func testAddInPlace() {
        func adder(_ add: @escaping (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Kernel {
            { x, y, count in
                for i in 0..<count { y[i] = x[count - 1 - i] }
                add(x, UnsafePointer(y), y, count)
            }
        }
        assertSameBits("add", baseline: adder { a, b, d, n in for i in 0..<n { d[i] = a[i] + b[i] } },
                       avx2: adder { RecurKernelsAVX2.Elementwise.add($0, $1, into: $2, count: $3) },
                       avx512: adder { RecurKernelsAVX512.Elementwise.add($0, $1, into: $2, count: $3) })
    }

    /// tanh and σ of a sum (a gate's gx + gh) in each build: the bits of the add pass and the
    /// map pass of the baseline build, the input and its reverse as the two operands.
    func testFunctionsOfASum() {
        func summed(_ f: @escaping (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Kernel {
            { x, y, count in
                let reversed = [Float](UnsafeBufferPointer(start: x, count: count).reversed())
                reversed.withUnsafeBufferPointer { f(x, $0.baseAddress!, y, count) }
            }
        }
        assertSameBits("tanh of a sum", baseline: summed { a, b, d, n in
                           ElementwiseMath.add(a, b, into: d, count: n)
                           Kernels.map(UnsafePointer(d), d, n) { Kernels.tanh($0) }
                       },
                       avx2: summed { RecurKernelsAVX2.Elementwise.tanhOfSum($0, $1, into: $2, count: $3) },
                       avx512: summed { RecurKernelsAVX512.Elementwise.tanhOfSum($0, $1, into: $2, count: $3) })
        assertSameBits("sigmoid of a sum", baseline: summed { a, b, d, n in
                           ElementwiseMath.add(a, b, into: d, count: n)
                           Kernels.map(UnsafePointer(d), d, n) { Kernels.sigmoid($0) }
                       },
                       avx2: summed { RecurKernelsAVX2.Elementwise.sigmoidOfSum($0, $1, into: $2, count: $3) },
                       avx512: summed { RecurKernelsAVX512.Elementwise.sigmoidOfSum($0, $1, into: $2, count: $3) })
        // Kernels' entry points run the CPU's widest build: the same bits.
        let x = inputs, reversed = [Float](inputs.reversed())
        var sum = [Float](repeating: 0, count: x.count)
        ElementwiseMath.add(x, reversed, into: &sum, count: x.count)
        var tanh = sum, sigmoid = sum
        Kernels.tanhOfSum(x, reversed, into: &tanh, count: x.count)
        Kernels.sigmoidOfSum(x, reversed, into: &sigmoid, count: x.count)
        XCTAssertEqual(tanh.map(\.bitPattern), sum.map { Kernels.tanh($0).bitPattern }, "Kernels.tanhOfSum")
        XCTAssertEqual(sigmoid.map(\.bitPattern), sum.map { Kernels.sigmoid($0).bitPattern }, "Kernels.sigmoidOfSum")
    }

    /// Row log-softmax: 3 rows of each width 1…70 (every tail length) from the input grid, the
    /// same bits in each build, and within 2e-6·(1 + |y|) of a Double reference.
    func testLogSoftmaxRows() {
        let x = inputs
        for columns in 1...70 {
            let rows = 3, start = columns * 37 % (x.count - rows * columns)
            let n = rows * columns
            func run(_ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Int) -> Void) -> [Float] {
                var y = [Float](repeating: .nan, count: n)
                x.withUnsafeBufferPointer { px in y.withUnsafeMutableBufferPointer { kernel(px.baseAddress! + start, $0.baseAddress!, rows, columns) } }
                return y
            }
            let baseline = run { RowSoftmax.logSoftmax($0, $1, rows: $2, columns: $3) }
            let builds = Kernels.Build.supported(cpuFlags: CPUKernelChoice.cpuFlags())
            if builds.contains(.avx2) {
                XCTAssertEqual(run { RecurKernelsAVX2.Elementwise.logSoftmax($0, into: $1, rows: $2, columns: $3) }.map(\.bitPattern),
                               baseline.map(\.bitPattern), "AVX2, \(columns) columns")
            }
            if builds.contains(.avx512) {
                XCTAssertEqual(run { RecurKernelsAVX512.Elementwise.logSoftmax($0, into: $1, rows: $2, columns: $3) }.map(\.bitPattern),
                               baseline.map(\.bitPattern), "AVX-512, \(columns) columns")
            }
            for r in 0..<rows {
                let row = (0..<columns).map { Double(x[start + r * columns + $0]) }
                let m = row.max()!, logTotal = Foundation.log(row.map { Foundation.exp($0 - m) }.reduce(0, +)) + m
                for j in 0..<columns {
                    let expected = row[j] - logTotal, got = Double(baseline[r * columns + j])
                    XCTAssertLessThan(abs(got - expected), 2e-6 * (1 + abs(expected)), "\(columns) columns, row \(r), column \(j)")
                }
            }
        }
    }

    func testTheCPUsWidestBuildRuns() {
        let builds = Kernels.Build.supported(cpuFlags: CPUKernelChoice.cpuFlags())
        XCTAssertEqual(builds.last, .baseline)
        if ProcessInfo.processInfo.environment["RECUR_MICROKERNEL"] == nil { XCTAssertEqual(Kernels.Build.current, builds[0]) }
    }
}
