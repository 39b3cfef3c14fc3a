import Synchronization

/// A matrix `X [M, K]` whose every row is one-hot (a single 1, all else 0) or all zero, held as
/// the column of each row's 1. Products with such a matrix are row gathers and their weight
/// gradients row scatters: `X·B` reads M rows of `B` instead of doing M·K·N multiply–adds.
///
/// Character models feed one-hot vectors (`--input one-hot`, `recur bench cell`), and their input
/// product `[T·B, V]·[V, G·H]` is then the largest product of a small LSTM's step. A dense
/// product and the gather give the same forward values — every term but one is `0·w` — except
/// where `B` holds an infinity or NaN in a row the one-hot vector does not select.
///
/// Found by ``init(_:rows:width:)``, which scans the matrix and stops at the first entry that is
/// neither 0 nor 1, so a dense matrix costs one or two comparisons.
public struct OneHotRows: Sendable {
    /// The column of each row's 1, or −1 for an all-zero row.
    public let columns: [Int32]
    /// K: the width of the rows.
    public let width: Int

    /// The rows of a lookup: row r selects `columns[r]` (in `0..<width`, or −1 for none).
    public init(columns: [Int32], width: Int) {
        precondition(columns.allSatisfy { $0 >= -1 && Int($0) < width }, "OneHotRows: a column outside -1..<\(width)")
        self.init(checked: columns, width: width)
    }

    /// The `[width, width]` identity: row v selects column v (a table read row by row).
    public static func identity(_ width: Int) -> OneHotRows {
        OneHotRows(checked: (0..<Int32(width)).map { $0 }, width: width)
    }

    /// Columns the caller has already checked (``embedding(_:ids:shape:rowScale:)`` checks its ids).
    init(checked columns: [Int32], width: Int) {
        self.columns = columns
        self.width = width
    }

    /// Rows `range` of this matrix (a segment of a sequence), without checking them again.
    public func rows(_ range: Range<Int>) -> OneHotRows {
        OneHotRows(checked: Array(columns[range]), width: width)
    }

    /// `nil` unless every row of the row-major `[rows, width]` matrix at `x` is one-hot or zero.
    public init?(_ x: UnsafePointer<Float>, rows: Int, width: Int) {
        // The first row decides most dense matrices before anything is allocated.
        guard rows > 0, width > 0, let first = OneHotRows.column(x, width: width) else { return nil }
        var columns = [Int32](repeating: -1, count: rows)
        let dense = Atomic<Bool>(false)
        columns.withUnsafeMutableBufferPointer { out in
            out[0] = first
            // Workers scan their own rows; the first row that is not one-hot stops them all.
            WorkerTeam.shared.share(rows - 1, minimum: max(1, elementwiseShare / width)) { part in
                for r in part where !dense.load(ordering: .relaxed) {
                    guard let column = OneHotRows.column(x + (r + 1) * width, width: width) else {
                        return dense.store(true, ordering: .relaxed)
                    }
                    out[r + 1] = column
                }
            }
        }
        if dense.load(ordering: .relaxed) { return nil }
        self.columns = columns
        self.width = width
    }

    /// The column of the row's single 1, −1 for a zero row, `nil` for any other row.
    ///
    /// Sixteen columns at a time: a training step scans its whole one-hot input (2048 × 65 for a
    /// character LSTM), and one compare and branch per float was 1.5% of the step (perf).
    private static func column(_ row: UnsafePointer<Float>, width: Int) -> Int32? {
        typealias V = SIMD16<Float>
        var found: Int32 = -1
        var j = 0
        while j + 16 <= width {
            let v = UnsafeRawPointer(row + j).loadUnaligned(as: V.self)
            let one = v .== 1
            guard all(one .| (v .== 0)) else { return nil }
            if any(one) {
                for l in 0..<16 where one[l] {
                    guard found < 0 else { return nil }
                    found = Int32(j + l)
                }
            }
            j += 16
        }
        while j < width {
            let v = row[j]
            if v != 0 {
                guard v == 1, found < 0 else { return nil }
                found = Int32(j)
            }
            j += 1
        }
        return found
    }

    /// `c[r, :] = b[columns[r], :]`, or zero for a zero row: the product `X·B` with `B [K, N]`
    /// row-major (row stride `ldb`), written into `c [M, N]` (row stride `ldc`). With `range`, only
    /// those rows of X, written from `c`'s first row (one time step of a sequence).
    public func product(b: UnsafePointer<Float>, ldb: Int, n: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
                        rows range: Range<Int>? = nil) {
        let range = range ?? columns.indices
        for r in range {
            let column = columns[r], out = c + (r - range.lowerBound) * ldc
            if column < 0 { out.update(repeating: 0, count: n) } else { out.update(from: b + Int(column) * ldb, count: n) }
        }
    }

    /// `c[r, :] = bᵀ[columns[r], :]`: the product `X·Bᵀ` with `B [N, K]` row-major (row stride
    /// `ldb`). With more rows than K (a whole sequence) `B` is transposed once and rows are
    /// copied; with fewer (one time step) each row is read down a column of `B`, which costs less
    /// than the transpose.
    public func productTransposed(b: UnsafePointer<Float>, ldb: Int, n: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if columns.count <= width {
            for (r, column) in columns.enumerated() {
                let out = c + r * ldc
                if column < 0 { out.update(repeating: 0, count: n); continue }
                let source = b + Int(column)
                for j in 0..<n { out[j] = source[j * ldb] }
            }
            return
        }
        let bt = FloatBuffer(uninitializedCount: width * n)
        defer { withExtendedLifetime(bt) {} }
        for k in 0..<width {
            let row = bt.pointer + k * n
            for j in 0..<n { row[j] = b[j * ldb + k] }
        }
        product(b: bt.pointer, ldb: n, n: n, c: c, ldc: ldc)
    }

    /// `gb[columns[r], :] += g[r, :]` for every row: `∂B += Xᵀ·∂C` for `C = X·B`, with `∂C [M, N]`
    /// (row stride `ldg`) and `∂B [K, N]` (row stride `ldb`). With `range`, only those rows, read
    /// from `g`'s first row.
    public func accumulateTransposedProduct(_ g: UnsafePointer<Float>, ldg: Int, n: Int,
                                            into gb: UnsafeMutablePointer<Float>, ldb: Int, rows range: Range<Int>? = nil) {
        let range = range ?? columns.indices
        for r in range where columns[r] >= 0 {
            let dst = gb + Int(columns[r]) * ldb
            Kernels.add(dst, g + (r - range.lowerBound) * ldg, into: dst, count: n)
        }
    }

    /// `gb[j, columns[r]] += g[r, j]` for every row: `∂B += ∂Cᵀ·X` for `C = X·Bᵀ`, with `∂C [M, N]`
    /// (row stride `ldg`) and `∂B [N, K]` (row stride `ldb`). With more rows than K, rows of `∂C`
    /// are first summed per column, so the strided writes into `∂B` happen once per entry.
    public func accumulateProductTransposed(_ g: UnsafePointer<Float>, ldg: Int, n: Int,
                                            into gb: UnsafeMutablePointer<Float>, ldb: Int) {
        if columns.count <= width {
            for (r, column) in columns.enumerated() where column >= 0 {
                let source = g + r * ldg, target = gb + Int(column)
                for j in 0..<n { target[j * ldb] += source[j] }
            }
            return
        }
        let sums = FloatBuffer(uninitializedCount: width * n)
        defer { withExtendedLifetime(sums) {} }
        let s = sums.pointer
        // Workers own columns of ∂C (rows of ∂B), so each entry is summed in the same order.
        WorkerTeam.shared.share(n, minimum: max(16, elementwiseShare / columns.count)) { part in
            let j0 = part.lowerBound
            for k in 0..<width { (s + k * n + j0).update(repeating: 0, count: part.count) }
            accumulateTransposedProduct(g + j0, ldg: ldg, n: part.count, into: s + j0, ldb: n)
            for j in part {
                let row = gb + j * ldb
                for k in 0..<width { row[k] += s[k * n + j] }
            }
        }
    }
}
