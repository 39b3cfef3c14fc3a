import XCTest
@testable import RecurCore

/// One-hot detection and the gather/scatter forms of `matmul` against OpenBLAS's dense product.
final class OneHotRowsTests: XCTestCase {
    /// A `[rows, width]` one-hot matrix (row r's 1 in column `columns[r]`; −1: a zero row).
    func oneHot(_ columns: [Int], width: Int) -> Tensor {
        var t = Tensor(zeros: [columns.count, width])
        for (r, c) in columns.enumerated() where c >= 0 { t.scalars[r * width + c] = 1 }
        return t
    }

    func detect(_ t: Tensor) -> OneHotRows? { t.withPointer { OneHotRows($0, rows: t.shape[0], width: t.shape[1]) } }

    func testDetectsOneHotAndZeroRowsAndRejectsEverythingElse() {
        XCTAssertEqual(detect(oneHot([2, 0, -1, 4], width: 5))?.columns, [2, 0, -1, 4])
        XCTAssertEqual(detect(oneHot([-1, -1], width: 3))?.columns, [-1, -1])
        for bad: Float in [2, 0.5, -1, .nan, .infinity] {
            var t = oneHot([1, 2, 0], width: 4)
            t.scalars[9] = bad   // row 2, column 1
            XCTAssertNil(detect(t), "\(bad)")
        }
        var two = oneHot([1, 2, 0], width: 4)
        two.scalars[11] = 1      // a second 1 in the last row
        XCTAssertNil(detect(two))
        var rng = RandomGenerator(seed: 3)
        XCTAssertNil(detect(rng.uniformTensor([6, 9], -1, 1)))
        // 40 columns: two blocks of 16 and a tail of 8, a bad value or a second 1 in each.
        XCTAssertEqual(detect(oneHot([0, 15, 16, 31, 32, 39, -1], width: 40))?.columns, [0, 15, 16, 31, 32, 39, -1])
        for column in [0, 15, 16, 31, 32, 39] {
            for bad: Float in [2, -0.5, .nan] {
                var t = oneHot([7, 20, 35], width: 40)
                t.scalars[40 + column] = bad   // row 1
                XCTAssertNil(detect(t), "\(bad) in column \(column)")
            }
            var two = oneHot([7, column == 20 ? 21 : 20, 35], width: 40)
            two.scalars[40 + column] = 1
            XCTAssertNil(detect(two), "a second 1 in column \(column)")
        }
    }

    /// matmul of a one-hot `A` with `B` or `Bᵀ`, forward and ∂B, against `cblas_sgemm` on the same
    /// values, for odd widths and a zero row; fewer rows than K (one time step: `Bᵀ` read down its
    /// columns) and more (a whole sequence: `B` transposed first).
    func testMatmulGatherAndScatterEqualTheDenseProduct() {
        var rng = RandomGenerator(seed: 5)
        let (k, n) = (13, 19)
        for (m, transposeB) in [(7, false), (7, true), (40, false), (40, true)] {
            let columns = (0..<m).map { $0 == 3 ? -1 : ($0 * 7 + 3) % k }
            let a = Variable(oneHot(columns, width: k))
            let b = Variable(rng.uniformTensor(transposeB ? [n, k] : [k, n], -1, 1), requiresGrad: true)
            let g = rng.uniformTensor([m, n], -1, 1)
            let c = matmul(a, b, transposeB: transposeB)
            c.backward(seed: g)
            var dense = Tensor(zeros: [m, n]), denseGrad = Tensor(zeros: b.shape)
            a.value.withPointer { pa in b.value.withPointer { pb in dense.withMutablePointer { pc in
                BLAS.gemm(transposeB: transposeB, m: m, n: n, k: k, a: pa, lda: k, b: pb, ldb: b.shape[1], c: pc, ldc: n)
            } } }
            a.value.withPointer { pa in g.withPointer { pg in denseGrad.withMutablePointer { pd in
                if transposeB { BLAS.gemm(transposeA: true, m: n, n: k, k: m, a: pg, lda: n, b: pa, ldb: k, c: pd, ldc: k) }
                else { BLAS.gemm(transposeA: true, m: k, n: n, k: m, a: pa, lda: k, b: pg, ldb: n, c: pd, ldc: n) }
            } } }
            XCTAssertEqual(c.value.scalars, dense.scalars, "forward, m \(m), transposeB \(transposeB)")
            XCTAssertTrue(b.grad!.isClose(to: denseGrad, rtol: 1e-6, atol: 1e-6),
                          "∂B, m \(m), transposeB \(transposeB): \(b.grad!.maxAbsDifference(denseGrad))")
        }
    }

    /// A row range (one time step) gathers and scatters exactly those rows of the whole product.
    func testARowRangeGathersAndScattersThoseRows() {
        let rows = OneHotRows(columns: [3, -1, 0, 3, 3, 1], width: 4), n = 5
        var rng = RandomGenerator(seed: 4)
        let b = rng.uniformTensor([4, n], -1, 1), g = rng.uniformTensor([2, n], -1, 1)
        var whole = [Float](repeating: .nan, count: 6 * n), part = [Float](repeating: .nan, count: 2 * n)
        var scatteredWhole = [Float](repeating: 0, count: 4 * n), scatteredPart = [Float](repeating: 0, count: 4 * n)
        b.withPointer { pb in g.withPointer { pg in
            rows.product(b: pb, ldb: n, n: n, c: &whole, ldc: n)
            rows.product(b: pb, ldb: n, n: n, c: &part, ldc: n, rows: 3..<5)
            rows.accumulateTransposedProduct(pg, ldg: n, n: n, into: &scatteredPart, ldb: n, rows: 3..<5)
            // The same two rows through the whole-matrix form: rows 3 and 4 alone.
            rows.rows(3..<5).accumulateTransposedProduct(pg, ldg: n, n: n, into: &scatteredWhole, ldb: n)
        } }
        XCTAssertEqual(part, Array(whole[(3 * n)..<(5 * n)]))
        XCTAssertEqual(scatteredPart, scatteredWhole)
        XCTAssertEqual(Array(scatteredPart[(3 * n)..<(4 * n)]), (0..<n).map { g.scalars[$0] + g.scalars[n + $0] }, "both rows select column 3")
    }
}
