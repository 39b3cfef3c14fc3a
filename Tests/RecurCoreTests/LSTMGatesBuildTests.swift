import XCTest
@testable import RecurCore
import RecurKernelsAVX2
import RecurKernelsAVX512

/// The AVX-512 and AVX2 builds of the LSTM gate arithmetic against the baseline build of the same
/// source, bit for bit, for hidden sizes with every kind of tail, on each build this CPU runs;
/// and the baseline forward against the equations in Double.
final class LSTMGatesBuildTests: XCTestCase {
    struct Outputs: Equatable { var values: [[UInt32]] }

    func random(_ count: Int, _ rng: inout RandomGenerator, _ low: Float, _ high: Float) -> [Float] {
        rng.uniformTensor([count], low, high).scalars
    }

    func forward(_ gates: (Int, Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafePointer<Float>,
                           UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void,
                 rows: Int, hidden H: Int) -> (Outputs, gx: [Float], gh: [Float], cp: [Float]) {
        var rng = RandomGenerator(seed: UInt64(H))
        let gx = random(rows * 4 * H, &rng, -6, 6), ghIn = random(rows * 4 * H, &rng, -6, 6), cp = random(rows * H, &rng, -2, 2)
        var gh = ghIn, c = [Float](repeating: .nan, count: rows * H), h = c, cache = [Float](repeating: .nan, count: rows * 5 * H)
        gx.withUnsafeBufferPointer { pgx in cp.withUnsafeBufferPointer { pcp in gh.withUnsafeMutableBufferPointer { pgh in
            c.withUnsafeMutableBufferPointer { pc in h.withUnsafeMutableBufferPointer { ph in cache.withUnsafeMutableBufferPointer { pk in
                gates(rows, H, pgx.baseAddress!, pgh.baseAddress!, pcp.baseAddress!, pc.baseAddress!, ph.baseAddress!, pk.baseAddress!)
            } } }
        } } }
        return (Outputs(values: [c, h, cache].map { $0.map(\.bitPattern) }), gx, ghIn, cp)
    }

    func backward(_ gates: (Int, Int, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
                            UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void,
                  rows: Int, hidden H: Int) -> Outputs {
        var rng = RandomGenerator(seed: UInt64(100 + H))
        let cache = random(rows * 5 * H, &rng, -0.99, 0.99), cp = random(rows * H, &rng, -2, 2)
        let dh = random(rows * H, &rng, -1, 1), dc = random(rows * H, &rng, -1, 1)
        var d = [Float](repeating: .nan, count: rows * 4 * H), dcp = [Float](repeating: .nan, count: rows * H)
        cache.withUnsafeBufferPointer { pk in cp.withUnsafeBufferPointer { pcp in dh.withUnsafeBufferPointer { pdh in
            dc.withUnsafeBufferPointer { pdc in d.withUnsafeMutableBufferPointer { pd in dcp.withUnsafeMutableBufferPointer { pdcp in
                gates(rows, H, pk.baseAddress!, pcp.baseAddress!, pdh.baseAddress!, pdc.baseAddress!, pd.baseAddress!, pdcp.baseAddress!)
            } } }
        } } }
        return Outputs(values: [d, dcp].map { $0.map(\.bitPattern) })
    }

    func testEveryBuildGivesTheBaselineBits() {
        let builds = Kernels.Build.supported(cpuFlags: CPUKernelChoice.cpuFlags())
        for H in [1, 7, 13, 16, 17, 33, 64, 70] {
            let rows = 3
            let base = forward({ RecurCore.LSTMGates.forward(rows: $0, hidden: $1, gx: $2, gh: $3, cPrevious: $4, c: $5, h: $6, cache: $7) },
                               rows: rows, hidden: H).0
            let baseBack = backward({ RecurCore.LSTMGates.backward(rows: $0, hidden: $1, cache: $2, cPrevious: $3, gradH: $4, gradC: $5, gradGates: $6, gradCPrevious: $7) },
                                    rows: rows, hidden: H)
            if builds.contains(.avx512) {
                XCTAssertEqual(forward({ RecurKernelsAVX512.LSTMGates.forward(rows: $0, hidden: $1, gx: $2, gh: $3, cPrevious: $4, c: $5, h: $6, cache: $7) },
                                       rows: rows, hidden: H).0, base, "AVX-512 forward, H \(H)")
                XCTAssertEqual(backward({ RecurKernelsAVX512.LSTMGates.backward(rows: $0, hidden: $1, cache: $2, cPrevious: $3, gradH: $4, gradC: $5, gradGates: $6, gradCPrevious: $7) },
                                        rows: rows, hidden: H), baseBack, "AVX-512 backward, H \(H)")
            }
            if builds.contains(.avx2) {
                XCTAssertEqual(forward({ RecurKernelsAVX2.LSTMGates.forward(rows: $0, hidden: $1, gx: $2, gh: $3, cPrevious: $4, c: $5, h: $6, cache: $7) },
                                       rows: rows, hidden: H).0, base, "AVX2 forward, H \(H)")
                XCTAssertEqual(backward({ RecurKernelsAVX2.LSTMGates.backward(rows: $0, hidden: $1, cache: $2, cPrevious: $3, gradH: $4, gradC: $5, gradGates: $6, gradCPrevious: $7) },
                                        rows: rows, hidden: H), baseBack, "AVX2 backward, H \(H)")
            }
        }
    }

    func testForwardFollowsTheEquations() {
        let (rows, H) = (2, 13)
        let (out, gx, gh, cp) = forward({ RecurCore.LSTMGates.forward(rows: $0, hidden: $1, gx: $2, gh: $3, cPrevious: $4, c: $5, h: $6, cache: $7) },
                                        rows: rows, hidden: H)
        let c = out.values[0].map(Float.init(bitPattern:)), h = out.values[1].map(Float.init(bitPattern:))
        func sigma(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
        for r in 0..<rows {
            for j in 0..<H {
                func z(_ k: Int) -> Double { Double(gx[r * 4 * H + k * H + j]) + Double(gh[r * 4 * H + k * H + j]) }
                let cv = sigma(z(1)) * Double(cp[r * H + j]) + sigma(z(0)) * Foundation.tanh(z(2))
                XCTAssertEqual(Double(c[r * H + j]), cv, accuracy: 1e-5, "c[\(r), \(j)]")
                XCTAssertEqual(Double(h[r * H + j]), sigma(z(3)) * Foundation.tanh(cv), accuracy: 1e-5, "h[\(r), \(j)]")
            }
        }
    }
}
