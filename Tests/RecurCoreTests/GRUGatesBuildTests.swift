import XCTest
@testable import RecurCore
import RecurKernelsAVX2
import RecurKernelsAVX512

/// The GRU's element-wise gate steps (``GRUGates``) in every build this CPU runs, bit for bit
/// against the scalar loops of the equations, for hidden sizes with every kind of tail.
final class GRUGatesBuildTests: XCTestCase {
    typealias Candidate = (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    typealias Blend = Candidate
    typealias Backward = (Int, Int, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
                          UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void

    /// Each build's three functions, and Kernels' entry points (the CPU's widest build).
    var builds: [(String, Candidate, Blend, Backward)] {
        var all: [(String, Candidate, Blend, Backward)] = [
            ("baseline", { RecurCore.GRUGates.candidate($0, r: $1, hn: $2, into: $3, count: $4) },
             { RecurCore.GRUGates.blend(z: $0, n: $1, previous: $2, into: $3, count: $4) },
             { RecurCore.GRUGates.backward(rows: $0, hidden: $1, cache: $2, previous: $3, gradH: $4, gradGx: $5, gradGh: $6, gradPrevious: $7) }),
            ("Kernels", { Kernels.gruCandidate($0, r: $1, hn: $2, into: $3, count: $4) },
             { Kernels.gruBlend(z: $0, n: $1, previous: $2, into: $3, count: $4) },
             { Kernels.gruGatesBackward(rows: $0, hidden: $1, cache: $2, previous: $3, gradH: $4, gradGx: $5, gradGh: $6, gradPrevious: $7) }),
        ]
        let supported = Kernels.Build.supported(cpuFlags: CPUKernelChoice.cpuFlags())
        if supported.contains(.avx512) {
            all.append(("avx512", { RecurKernelsAVX512.GRUGates.candidate($0, r: $1, hn: $2, into: $3, count: $4) },
                        { RecurKernelsAVX512.GRUGates.blend(z: $0, n: $1, previous: $2, into: $3, count: $4) },
                        { RecurKernelsAVX512.GRUGates.backward(rows: $0, hidden: $1, cache: $2, previous: $3, gradH: $4, gradGx: $5, gradGh: $6, gradPrevious: $7) }))
        }
        if supported.contains(.avx2) {
            all.append(("avx2", { RecurKernelsAVX2.GRUGates.candidate($0, r: $1, hn: $2, into: $3, count: $4) },
                        { RecurKernelsAVX2.GRUGates.blend(z: $0, n: $1, previous: $2, into: $3, count: $4) },
                        { RecurKernelsAVX2.GRUGates.backward(rows: $0, hidden: $1, cache: $2, previous: $3, gradH: $4, gradGx: $5, gradGh: $6, gradPrevious: $7) }))
        }
        return all
    }

    func testEveryBuildGivesTheEquationsBits() {
        for H in [1, 7, 13, 16, 17, 33, 64, 70] {
            let rows = 3
            var rng = RandomGenerator(seed: UInt64(H))
            func random(_ count: Int, _ low: Float, _ high: Float) -> [Float] { rng.uniformTensor([count], low, high).scalars }
            let x = random(H, -3, 3), r = random(H, 0, 1), hn = random(H, -3, 3), z = random(H, 0, 1), n = random(H, -1, 1)
            let previous = random(rows * H, -1, 1), cache = random(rows * 4 * H, -0.99, 0.99), dh = random(rows * H, -1, 1)
            // The scalar loops the fused GRU kernel ran before.
            let candidate = (0..<H).map { x[$0] + r[$0] * hn[$0] }
            let blend = (0..<H).map { (1 - z[$0]) * n[$0] + z[$0] * previous[$0] }
            var dx = [Float](repeating: 0, count: rows * 3 * H), dhh = dx, dPrev = [Float](repeating: 0, count: rows * H)
            for row in 0..<rows {
                let a = row * 4 * H, o = row * 3 * H, s = row * H
                for j in 0..<H {
                    let (rj, zj, nj, hj) = (cache[a + j], cache[a + H + j], cache[a + 2 * H + j], cache[a + 3 * H + j])
                    let dn = dh[s + j] * (1 - zj) * (1 - nj * nj)
                    let dz = dh[s + j] * (previous[s + j] - nj) * zj * (1 - zj)
                    let dr = dn * hj * rj * (1 - rj)
                    (dx[o + j], dhh[o + j], dx[o + H + j], dhh[o + H + j]) = (dr, dr, dz, dz)
                    (dx[o + 2 * H + j], dhh[o + 2 * H + j], dPrev[s + j]) = (dn, dn * rj, dh[s + j] * zj)
                }
            }
            for (name, candidateOf, blendOf, backwardOf) in builds {
                var out = [Float](repeating: .nan, count: H), mixed = out
                candidateOf(x, r, hn, &out, H)
                blendOf(z, n, previous, &mixed, H)
                var gx = [Float](repeating: .nan, count: rows * 3 * H), gh = gx, gp = [Float](repeating: .nan, count: rows * H)
                backwardOf(rows, H, cache, previous, dh, &gx, &gh, &gp)
                XCTAssertEqual(out.map(\.bitPattern), candidate.map(\.bitPattern), "\(name) candidate H \(H)")
                XCTAssertEqual(mixed.map(\.bitPattern), blend.map(\.bitPattern), "\(name) blend H \(H)")
                XCTAssertEqual(gx.map(\.bitPattern), dx.map(\.bitPattern), "\(name) ∂gx H \(H)")
                XCTAssertEqual(gh.map(\.bitPattern), dhh.map(\.bitPattern), "\(name) ∂gh H \(H)")
                XCTAssertEqual(gp.map(\.bitPattern), dPrev.map(\.bitPattern), "\(name) ∂h₋₁ H \(H)")
            }
        }
    }
}
