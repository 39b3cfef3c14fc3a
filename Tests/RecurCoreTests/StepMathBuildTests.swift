import Foundation
import XCTest
@testable import RecurCore
import RecurKernelsAVX2
import RecurKernelsAVX512

/// The compiled step's element-wise loops (``StepMath``): the baseline build against the scalar
/// formula, and the AVX-512 and AVX2 builds against the baseline, bit for bit, for every width
/// around the 16-lane boundary, dense, windowed (a row stride wider than the width) and
/// broadcast (stride 0) operands, and an operand used twice.
final class StepMathBuildTests: XCTestCase {
    let builds = Kernels.Build.supported(cpuFlags: CPUKernelChoice.cpuFlags())
    let widths = [1, 7, 15, 16, 17, 33, 70]

    func values(_ count: Int, seed: UInt64, _ low: Float = -2, _ high: Float = 2) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        return rng.uniformTensor([max(count, 1)], low, high).scalars
    }

    /// The layouts an operand comes in: (stride, offset into its buffer) for `width`.
    func layouts(_ width: Int) -> [(stride: Int, offset: Int)] { [(width, 0), (width + 5, 3), (0, 2)] }

    typealias Binary = (Int, UnsafePointer<Float>, Int, UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>, Int, Int) -> Void
    typealias BinaryBackward = (Int, UnsafePointer<Float>, UnsafePointer<Float>, Int, UnsafePointer<Float>, Int,
                                UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int, Int) -> Void
    typealias Unary = (Int, Float, UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>, Int, Int) -> Void
    typealias UnaryBackward = (Int, Float, UnsafePointer<Float>, UnsafePointer<Float>, Int, UnsafePointer<Float>,
                               UnsafeMutablePointer<Float>, Int, Int) -> Void

    var wide: [(String, Binary, BinaryBackward, Unary, UnaryBackward)] {
        var list: [(String, Binary, BinaryBackward, Unary, UnaryBackward)] = []
        if builds.contains(.avx512) {
            list.append(("AVX-512", { RecurKernelsAVX512.StepKernels.binary($0, $1, $2, $3, $4, $5, rows: $6, width: $7) },
                         { RecurKernelsAVX512.StepKernels.binaryBackward($0, $1, $2, $3, $4, $5, $6, $7, rows: $8, width: $9) },
                         { RecurKernelsAVX512.StepKernels.unary($0, $1, $2, $3, $4, rows: $5, width: $6) },
                         { RecurKernelsAVX512.StepKernels.unaryBackward($0, $1, $2, $3, $4, $5, $6, rows: $7, width: $8) }))
        }
        if builds.contains(.avx2) {
            list.append(("AVX2", { RecurKernelsAVX2.StepKernels.binary($0, $1, $2, $3, $4, $5, rows: $6, width: $7) },
                         { RecurKernelsAVX2.StepKernels.binaryBackward($0, $1, $2, $3, $4, $5, $6, $7, rows: $8, width: $9) },
                         { RecurKernelsAVX2.StepKernels.unary($0, $1, $2, $3, $4, rows: $5, width: $6) },
                         { RecurKernelsAVX2.StepKernels.unaryBackward($0, $1, $2, $3, $4, $5, $6, rows: $7, width: $8) }))
        }
        return list
    }

    let baseline: (Binary, BinaryBackward, Unary, UnaryBackward) = (
        { StepMath.binary($0, $1, $2, $3, $4, $5, rows: $6, width: $7) },
        { StepMath.binaryBackward($0, $1, $2, $3, $4, $5, $6, $7, rows: $8, width: $9) },
        { StepMath.unary($0, $1, $2, $3, $4, rows: $5, width: $6) },
        { StepMath.unaryBackward($0, $1, $2, $3, $4, $5, $6, rows: $7, width: $8) })

    /// Forward and backward of binary op `op` on operands laid out as given; returns y, ∂a and ∂b bits.
    func binary(_ forward: Binary, _ backward: BinaryBackward, op: Int, rows: Int, width: Int,
                a la: (stride: Int, offset: Int), b lb: (stride: Int, offset: Int), shared: Bool) -> [[UInt32]] {
        let size = { (l: (stride: Int, offset: Int)) in l.offset + (rows - 1) * l.stride + width }
        let a = values(size(la), seed: 1), b = shared ? a : values(size(lb), seed: 2, 0.5, 2)
        let g = values(rows * width, seed: 3)
        var y = [Float](repeating: .nan, count: rows * width)
        var da = values(size(la), seed: 4), db = shared ? da : values(size(lb), seed: 5)
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in g.withUnsafeBufferPointer { pg in
            y.withUnsafeMutableBufferPointer { forward(op, pa.baseAddress! + la.offset, la.stride, pb.baseAddress! + lb.offset, lb.stride, $0.baseAddress!, rows, width) }
            da.withUnsafeMutableBufferPointer { qa in
                if shared {
                    backward(op, pg.baseAddress!, pa.baseAddress! + la.offset, la.stride, pa.baseAddress! + la.offset, la.stride,
                             qa.baseAddress! + la.offset, qa.baseAddress! + la.offset, rows, width)
                } else {
                    db.withUnsafeMutableBufferPointer { qb in
                        backward(op, pg.baseAddress!, pa.baseAddress! + la.offset, la.stride, pb.baseAddress! + lb.offset, lb.stride,
                                 qa.baseAddress! + la.offset, qb.baseAddress! + lb.offset, rows, width)
                    }
                }
            }
        } } }
        return [y.map(\.bitPattern), da.map(\.bitPattern), (shared ? da : db).map(\.bitPattern)]
    }

    func testBinaryOpsGiveTheScalarBitsInEveryBuild() {
        let scalarForward: Binary = { op, a, sa, b, sb, y, rows, w in
            for r in 0..<rows {
                for j in 0..<w {
                    let x = a[r * sa + j], z = b[r * sb + j]
                    y[r * w + j] = op == StepMath.add ? x + z : op == StepMath.sub ? x - z : op == StepMath.mul ? x * z : x / z
                }
            }
        }
        let scalarBackward: BinaryBackward = { op, g, a, sa, b, sb, da, db, rows, w in
            for r in 0..<rows {
                for j in 0..<w {
                    let gj = g[r * w + j], x = a[r * sa + j], z = b[r * sb + j]
                    switch op {
                    case StepMath.add: da[r * sa + j] += gj; db[r * sb + j] += gj
                    case StepMath.sub: da[r * sa + j] += gj; db[r * sb + j] -= gj
                    case StepMath.mul: da[r * sa + j] += gj * z; db[r * sb + j] += gj * x
                    default: let q = gj / z; da[r * sa + j] += q; db[r * sb + j] -= q * x / z
                    }
                }
            }
        }
        for op in [StepMath.add, StepMath.sub, StepMath.mul, StepMath.div] {
            for width in widths {
                for rows in [1, 3] {
                    for la in layouts(width).prefix(2) {
                        for (lb, shared) in layouts(width).map({ ($0, false) }) + [(la, true)] {
                            let base = binary(baseline.0, baseline.1, op: op, rows: rows, width: width, a: la, b: lb, shared: shared)
                            let what = "op \(op), width \(width), rows \(rows), strides \(la.stride)/\(lb.stride), shared \(shared)"
                            XCTAssertEqual(base, binary(scalarForward, scalarBackward, op: op, rows: rows, width: width, a: la, b: lb, shared: shared),
                                           "baseline against the formula, \(what)")
                            for (name, forward, backward, _, _) in wide {
                                XCTAssertEqual(binary(forward, backward, op: op, rows: rows, width: width, a: la, b: lb, shared: shared), base, "\(name), \(what)")
                            }
                        }
                    }
                }
            }
        }
    }

    func unary(_ forward: Unary, _ backward: UnaryBackward, op: Int, s: Float, rows: Int, width: Int,
               x lx: (stride: Int, offset: Int)) -> [[UInt32]] {
        let size = lx.offset + (rows - 1) * lx.stride + width
        var x = values(size, seed: 6, -9, 9)
        if size > 4 { x[lx.offset] = 0; x[lx.offset + 1] = -0.0 }   // relu's edge: -0 → 0, ∂ at 0 is 0
        let g = values(rows * width, seed: 7)
        var y = [Float](repeating: .nan, count: rows * width)
        var dx = values(size, seed: 8)
        x.withUnsafeBufferPointer { px in g.withUnsafeBufferPointer { pg in
            y.withUnsafeMutableBufferPointer { py in
                forward(op, s, px.baseAddress! + lx.offset, lx.stride, py.baseAddress!, rows, width)
                dx.withUnsafeMutableBufferPointer {
                    backward(op, s, pg.baseAddress!, px.baseAddress! + lx.offset, lx.stride, UnsafePointer(py.baseAddress!), $0.baseAddress! + lx.offset, rows, width)
                }
            }
        } }
        return [y.map(\.bitPattern), dx.map(\.bitPattern)]
    }

    func testUnaryOpsGiveTheSameBitsInEveryBuild() {
        let ops: [(Int, Float)] = [(StepMath.scale, 0.37), (StepMath.addScalar, 1.5), (StepMath.rsubScalar, 1), (StepMath.relu, 0),
                                   (StepMath.tanh, 0), (StepMath.sigmoid, 0), (StepMath.exp, 0)]
        for (op, s) in ops {
            for width in widths {
                for rows in [1, 3] {
                    for lx in layouts(width).prefix(2) {
                        let base = unary(baseline.2, baseline.3, op: op, s: s, rows: rows, width: width, x: lx)
                        for (name, _, _, forward, backward) in wide {
                            XCTAssertEqual(unary(forward, backward, op: op, s: s, rows: rows, width: width, x: lx), base,
                                           "\(name), op \(op), width \(width), rows \(rows), stride \(lx.stride)")
                        }
                    }
                }
            }
        }
    }

    /// The baseline's unary ops against their definitions in Double (the approximations within
    /// their documented error), relu exactly as `Swift.max(x, 0)` with its derivative.
    func testUnaryOpsMatchTheirDefinitions() {
        let width = 37, rows = 2
        for (op, s) in [(StepMath.scale, Float(0.37)), (StepMath.addScalar, 1.5), (StepMath.rsubScalar, 1), (StepMath.relu, 0),
                        (StepMath.tanh, 0), (StepMath.sigmoid, 0), (StepMath.exp, 0)] {
            var x = values(rows * width, seed: 9, -4, 4)
            x[0] = -0.0
            x[1] = 0
            let g = values(rows * width, seed: 10)
            var y = [Float](repeating: 0, count: rows * width), dx = [Float](repeating: 0, count: rows * width)
            x.withUnsafeBufferPointer { px in g.withUnsafeBufferPointer { pg in y.withUnsafeMutableBufferPointer { py in
                StepMath.unary(op, s, px.baseAddress!, width, py.baseAddress!, rows: rows, width: width)
                dx.withUnsafeMutableBufferPointer {
                    StepMath.unaryBackward(op, s, pg.baseAddress!, px.baseAddress!, width, UnsafePointer(py.baseAddress!), $0.baseAddress!, rows: rows, width: width)
                }
            } } }
            for i in 0..<(rows * width) {
                let v = Double(x[i])
                let (want, slope): (Double, Double)
                switch op {
                case StepMath.scale: (want, slope) = (v * Double(s), Double(s))
                case StepMath.addScalar: (want, slope) = (v + Double(s), 1)
                case StepMath.rsubScalar: (want, slope) = (Double(s) - v, -1)
                case StepMath.relu: (want, slope) = (Double(Swift.max(x[i], 0)), x[i] > 0 ? 1 : 0)
                case StepMath.tanh: (want, slope) = (Foundation.tanh(v), 1 - Double(y[i]) * Double(y[i]))
                case StepMath.sigmoid: (want, slope) = (1 / (1 + Foundation.exp(-v)), Double(y[i]) * (1 - Double(y[i])))
                default: (want, slope) = (Foundation.exp(v), Double(y[i]))
                }
                XCTAssertEqual(Double(y[i]), want, accuracy: 4e-7 * Swift.max(1, abs(want)), "op \(op) at \(x[i])")
                XCTAssertEqual(Double(dx[i]), Double(g[i]) * slope, accuracy: 1e-6 * Swift.max(1, abs(Double(g[i]) * slope)), "∂ of op \(op) at \(x[i])")
                if op == StepMath.relu { XCTAssertEqual(y[i].bitPattern, Swift.max(x[i], 0).bitPattern, "relu at \(x[i])") }
            }
        }
    }

    func testAccumulateAddsRowsInEveryBuild() {
        for width in widths {
            for (ss, ds) in [(width, width), (width + 3, width + 5), (0, width)] {
                let rows = 3
                let src = values(rows * (width + 3), seed: 11)
                var base = values(rows * (width + 5), seed: 12)
                var want = base
                for r in 0..<rows { for j in 0..<width { want[r * ds + j] += src[r * ss + j] } }
                src.withUnsafeBufferPointer { s in base.withUnsafeMutableBufferPointer { StepMath.accumulate(s.baseAddress!, ss, $0.baseAddress!, ds, rows: rows, width: width) } }
                XCTAssertEqual(base.map(\.bitPattern), want.map(\.bitPattern), "baseline, width \(width), strides \(ss)/\(ds)")
                for build in builds where build != .baseline {
                    var got = values(rows * (width + 5), seed: 12)
                    src.withUnsafeBufferPointer { s in got.withUnsafeMutableBufferPointer {
                        if build == .avx512 { RecurKernelsAVX512.StepKernels.accumulate(s.baseAddress!, ss, $0.baseAddress!, ds, rows: rows, width: width) }
                        else { RecurKernelsAVX2.StepKernels.accumulate(s.baseAddress!, ss, $0.baseAddress!, ds, rows: rows, width: width) }
                    } }
                    XCTAssertEqual(got.map(\.bitPattern), want.map(\.bitPattern), "\(build), width \(width), strides \(ss)/\(ds)")
                }
            }
        }
    }

    /// An n-ary sum adds its terms in the order its postfix program gives, as the scalar loop
    /// does, in every build: dense, windowed and broadcast terms, two to five of them, one term
    /// given twice; left to right, right to left and, for four, pairwise.
    func testSumAddsInTheGivenOrderInEveryBuild() {
        let rows = 3
        for width in widths {
            for count in 2...5 {
                // Term k has stride width, width + 5 or 0 in turn; from three terms on, the last is the first again.
                let repeated = count > 2
                let strides = (0..<count).map { k in repeated && k == count - 1 ? width : [width, width + 5, 0][k % 3] }
                let storage = (0..<count).map { k in
                    let p = UnsafeMutablePointer<Float>.allocate(capacity: rows * (width + 5))
                    p.initialize(from: values(rows * (width + 5), seed: 20 + UInt64(k)), count: rows * (width + 5))
                    return p
                }
                defer { storage.forEach { $0.deallocate() } }
                let terms = (0..<count).map { k in UnsafePointer(repeated && k == count - 1 ? storage[0] : storage[k]) }
                var orders = [[0, 1, -1] + (2..<max(2, count)).flatMap { [$0, -1] },             // ((t0 + t1) + t2) + …
                              Array(0..<count) + Array(repeating: -1, count: count - 1)]         // t0 + (t1 + (… + tn))
                if count == 4 { orders.append([0, 1, -1, 2, 3, -1, -1]) }                         // (t0 + t1) + (t2 + t3)
                for order in orders {
                    var want = [Float](repeating: 0, count: rows * width)
                    for r in 0..<rows {
                        for j in 0..<width {
                            var stack: [Float] = []
                            for code in order {
                                if code >= 0 { stack.append(terms[code][r * strides[code] + j]) }
                                else { let b = stack.removeLast(), a = stack.removeLast(); stack.append(a + b) }
                            }
                            want[r * width + j] = stack[0]
                        }
                    }
                    // Row r of term k, as the kernel takes them.
                    let rowsOf = (0..<count).flatMap { k in (0..<rows).map { r in terms[k] + r * strides[k] } }
                    for build in builds {
                        var got = [Float](repeating: .nan, count: rows * width)
                        rowsOf.withUnsafeBufferPointer { p in order.withUnsafeBufferPointer { o in
                            got.withUnsafeMutableBufferPointer { y in
                                let (t, oo, yy) = (p.baseAddress!, o.baseAddress!, y.baseAddress!)
                                switch build {
                                case .avx512: RecurKernelsAVX512.StepKernels.sum(t, count: count, order: oo, orderCount: o.count, yy, rows: rows, width: width)
                                case .avx2: RecurKernelsAVX2.StepKernels.sum(t, count: count, order: oo, orderCount: o.count, yy, rows: rows, width: width)
                                case .baseline: StepMath.sum(t, count: count, order: oo, orderCount: o.count, yy, rows: rows, width: width)
                                }
                            }
                        } }
                        XCTAssertEqual(got.map(\.bitPattern), want.map(\.bitPattern), "\(build), width \(width), order \(order)")
                    }
                }
            }
        }
    }
}
