import RecurCore

/// The constant right factor of a compiled step's product, packed once per pass for the
/// recurrent microkernel (``RecurrentISA/panelProduct(rows:depth:a:lda:panel:bias:c:ldc:accumulate:)``),
/// as the fused cells pack `W_hh`.
///
/// With `M` the product's factor as `[K, N]` (`op(W)`): forward panels are `N` cut into panels of
/// ``RecurrentISA/panelWidth`` columns, `K` rows each, for `y = a·M`; backward panels are `K` cut
/// the same way, `N` rows each, for `∂a += ∂y·Mᵀ`. Columns past the edge are zeros, and a partial
/// last panel goes through a `[B, panel]` tile. At M = B = 32 rows a step, OpenBLAS's small
/// products (Haswell kernels, packing both operands every call) left the generic LSTM at 0.70×
/// its fused kernel.
final class PackedStepMatrix {
    let isa: RecurrentISA
    /// K and N of `M`.
    let depth: Int, width: Int
    let panelWidth: Int
    private let forwardPanels: FloatBuffer, backwardPanels: FloatBuffer
    private let tile: FloatBuffer

    /// `matrix` `[rows, columns]` row-major; `M` is it, or its transpose when `transposed`.
    init(isa: RecurrentISA, matrix: UnsafePointer<Float>, rows: Int, columns: Int, transposed: Bool, batch: Int) {
        self.isa = isa
        let (K, N) = transposed ? (columns, rows) : (rows, columns)
        depth = K
        width = N
        let pw = isa.panelWidth
        panelWidth = pw
        let forwardCount = (N + pw - 1) / pw, backwardCount = (K + pw - 1) / pw
        // Forward panels hold M, backward ones Mᵀ: one of them reads `matrix` transposed.
        forwardPanels = FloatBuffer(uninitializedCount: forwardCount * K * pw)
        isa.packPanels(transposed: transposed, b: matrix, ldb: columns, depth: K, n: N, into: forwardPanels.pointer)
        backwardPanels = FloatBuffer(uninitializedCount: backwardCount * N * pw)
        isa.packPanels(transposed: !transposed, b: matrix, ldb: columns, depth: N, n: K, into: backwardPanels.pointer)
        tile = FloatBuffer(uninitializedCount: batch * pw)
    }

    /// `y[rows, N] = a[rows, K]·M`.
    func product(rows: Int, a: UnsafePointer<Float>, lda: Int, y: UnsafeMutablePointer<Float>, ldy: Int) {
        let pw = panelWidth
        for p in 0..<((width + pw - 1) / pw) {
            let first = p * pw, valid = min(pw, width - first), panel = UnsafePointer(forwardPanels.pointer + p * depth * pw)
            if valid == pw {
                isa.panelProduct(rows: rows, depth: depth, a: a, lda: lda, panel: panel, bias: nil, c: y + first, ldc: ldy, accumulate: false)
            } else {
                isa.panelProduct(rows: rows, depth: depth, a: a, lda: lda, panel: panel, bias: nil, c: tile.pointer, ldc: pw, accumulate: false)
                for r in 0..<rows { (y + r * ldy + first).update(from: tile.pointer + r * pw, count: valid) }
            }
        }
    }

    /// `∂a[rows, K] += ∂y[rows, N]·Mᵀ`.
    func transposedProduct(rows: Int, gy: UnsafePointer<Float>, ldg: Int, into ga: UnsafeMutablePointer<Float>, lda: Int) {
        let pw = panelWidth
        for q in 0..<((depth + pw - 1) / pw) {
            let first = q * pw, valid = min(pw, depth - first), panel = UnsafePointer(backwardPanels.pointer + q * width * pw)
            if valid == pw {
                isa.panelProduct(rows: rows, depth: width, a: gy, lda: ldg, panel: panel, bias: nil, c: ga + first, ldc: lda, accumulate: true)
            } else {
                for r in 0..<rows {
                    (tile.pointer + r * pw).update(from: ga + r * lda + first, count: valid)
                    (tile.pointer + r * pw + valid).update(repeating: 0, count: pw - valid)
                }
                isa.panelProduct(rows: rows, depth: width, a: gy, lda: ldg, panel: panel, bias: nil, c: tile.pointer, ldc: pw, accumulate: true)
                for r in 0..<rows { (ga + r * lda + first).update(from: tile.pointer + r * pw, count: valid) }
            }
        }
    }
}
