import XCTest
@testable import RecurCore
import RecurKernelsAVX2
import RecurKernelsAVX512

/// Adam's update and the bias kernels: the AVX-512 and AVX2 builds against the baseline build,
/// bit for bit, on every tail length, and the baseline against the scalar formula.
final class OptimizerMathBuildTests: XCTestCase {
    let builds = Kernels.Build.supported(cpuFlags: CPUKernelChoice.cpuFlags())

    func values(_ count: Int, seed: UInt64, _ low: Float, _ high: Float) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        return rng.uniformTensor([max(count, 1)], low, high).scalars
    }

    typealias Adam = (UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void

    func adam(_ kernel: Adam, count: Int) -> [[UInt32]] {
        let g = values(count, seed: 1, -3, 3)
        var m = values(count, seed: 2, -1, 1), v = values(count, seed: 3, 0, 2), w = values(count, seed: 4, -1, 1)
        g.withUnsafeBufferPointer { pg in m.withUnsafeMutableBufferPointer { pm in v.withUnsafeMutableBufferPointer { pv in
            w.withUnsafeMutableBufferPointer { kernel(pg.baseAddress!, pm.baseAddress!, pv.baseAddress!, $0.baseAddress!, count) }
        } } }
        return [m, v, w].map { $0.map(\.bitPattern) }
    }

    func testAdamBuildsGiveTheBits() {
        let (b1, b2, step, root2, eps): (Float, Float, Float, Float, Float) = (0.9, 0.999, 1e-3 / 0.19, 0.0447, 1e-8)
        for count in 0...70 {
            let base = adam({ OptimizerMath.adam(gradient: $0, m: $1, v: $2, weight: $3, count: $4, beta1: b1, beta2: b2, stepSize: step, root2: root2, epsilon: eps) }, count: count)
            let scalar = adam({ g, m, v, w, n in
                for i in 0..<n {
                    m[i] = b1 * m[i] + (1 - b1) * g[i]
                    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                    w[i] -= step * m[i] / (v[i].squareRoot() / root2 + eps)
                }
            }, count: count)
            XCTAssertEqual(base, scalar, "baseline against the formula, count \(count)")
            if builds.contains(.avx512) {
                XCTAssertEqual(adam({ RecurKernelsAVX512.OptimizerKernels.adam(gradient: $0, m: $1, v: $2, weight: $3, count: $4, beta1: b1, beta2: b2, stepSize: step, root2: root2, epsilon: eps) }, count: count), base, "AVX-512, count \(count)")
            }
            if builds.contains(.avx2) {
                XCTAssertEqual(adam({ RecurKernelsAVX2.OptimizerKernels.adam(gradient: $0, m: $1, v: $2, weight: $3, count: $4, beta1: b1, beta2: b2, stepSize: step, root2: root2, epsilon: eps) }, count: count), base, "AVX2, count \(count)")
            }
        }
    }

    typealias Rows = (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Int) -> Void

    /// `kernel(src, dst, rows, columns)` with `src` of `sourceRows` rows and `dst` of `targetRows`.
    func rows(_ kernel: Rows, rows: Int, columns: Int, sourceRows: Int, targetRows: Int) -> [UInt32] {
        let src = values(sourceRows * columns, seed: 5, -1, 1)
        var dst = values(targetRows * columns, seed: 6, -1, 1)
        src.withUnsafeBufferPointer { ps in dst.withUnsafeMutableBufferPointer { kernel(ps.baseAddress!, $0.baseAddress!, rows, columns) } }
        return dst.map(\.bitPattern)
    }

    func testBiasKernelsGiveTheScalarBits() {
        for columns in [1, 15, 16, 17, 63, 64, 65, 130] {
            for r in [1, 5, 8, 11] {
                let addScalar = rows({ row, d, n, c in for i in 0..<n { for j in 0..<c { d[i * c + j] += row[j] } } }, rows: r, columns: columns, sourceRows: 1, targetRows: r)
                let sumScalar = rows({ s, d, n, c in for j in 0..<c { var a = d[j]; for i in 0..<n { a += s[i * c + j] }; d[j] = a } }, rows: r, columns: columns, sourceRows: r, targetRows: 1)
                var adders: [(String, Rows)] = [("baseline", { OptimizerMath.addRow($0, into: $1, rows: $2, columns: $3) })]
                var summers: [(String, Rows)] = [("baseline", { OptimizerMath.accumulateRowSum($0, into: $1, rows: $2, columns: $3, stride: $3) })]
                if builds.contains(.avx512) {
                    adders.append(("AVX-512", { RecurKernelsAVX512.OptimizerKernels.addRow($0, into: $1, rows: $2, columns: $3) }))
                    summers.append(("AVX-512", { RecurKernelsAVX512.OptimizerKernels.accumulateRowSum($0, into: $1, rows: $2, columns: $3, stride: $3) }))
                }
                if builds.contains(.avx2) {
                    adders.append(("AVX2", { RecurKernelsAVX2.OptimizerKernels.addRow($0, into: $1, rows: $2, columns: $3) }))
                    summers.append(("AVX2", { RecurKernelsAVX2.OptimizerKernels.accumulateRowSum($0, into: $1, rows: $2, columns: $3, stride: $3) }))
                }
                for (name, k) in adders { XCTAssertEqual(rows(k, rows: r, columns: columns, sourceRows: 1, targetRows: r), addScalar, "addRow \(name) \(r)×\(columns)") }
                for (name, k) in summers { XCTAssertEqual(rows(k, rows: r, columns: columns, sourceRows: r, targetRows: 1), sumScalar, "rowSum \(name) \(r)×\(columns)") }
            }
        }
    }
}
