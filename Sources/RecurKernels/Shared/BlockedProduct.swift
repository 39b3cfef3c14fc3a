// One source, compiled twice (see PanelProduct.swift): 64-column panels with AVX-512, 32 with AVX2.

/// A large product `C = op(A)·op(B)` (or `C += …`) on ``PanelProduct``'s register-blocked kernel,
/// blocked for the caches the way GotoBLAS blocks it.
///
/// Recur calls it instead of OpenBLAS only where OpenBLAS runs narrower vectors than the CPU has
/// (RecurCore's `BLAS.ProductKernel`): for example OpenBLAS held to its AVX2 ("Haswell") kernels
/// on an AVX-512 CPU, where this kernel is about twice as fast.
///
/// The loop nest, for depth blocks of ``depthBlock`` and row blocks of ``rowBlock`` (few rows:
/// ``shallowDepthBlock`` and ``shallowRowBlock``):
/// - op(B)'s depth block is packed once into panels of `width` columns (zero-padded on the right);
///   one panel (`depthBlock · width` floats, 128 KiB with AVX-512) stays in L2 while every row of
///   the block streams past it;
/// - op(A)'s block is packed (`alpha` applied): a row-major A row by row, so its rows are
///   contiguous in L2; a transposed A (the weight gradients `∂W = ∂Yᵀ·X`) in tiles of one
///   vector's rows, k-major, so the kernel reads each tile in order. A row-major A no deeper than
///   ``inPlaceDepth``, or with at most two panels of B, is read in place.
///
/// Each element of C is one chain of fused multiply-adds in the order k = 0, 1, …, whatever the
/// shapes around it: splitting C between threads by rows or columns does not change its bits.
public enum BlockedProduct {
    /// Depth (k) of one packed block. 512 rather than the 128 whose panel fits L1: on Zen 4 (32 KiB
    /// L1D) products with a row-major A ran 10–28% faster with AVX-512 and up to 48% with AVX2
    /// (2048×512·512×512: 78–93 → 100–107 GFLOP/s; a 2×512 LSTM's training step with the large
    /// products here moved within the noise); AMD's BLIS blocks its 6×64 AVX-512 sgemm kernel, this
    /// tile's shape, 512 deep on Zen 4 and Zen 5 alike. `scripts/blocked-product-sweep.sh` times other choices.
    public static let depthBlock = 512
    /// Rows of op(A) per block: 128 packed rows of 512 (256 KiB) sit in L2 beside the panel.
    public static let rowBlock = 128
    /// Fewer rows of op(A) than this take the shallow blocks: each packed element of B then serves
    /// few rows, and a 512-deep block of B (1 MiB at 512 columns) no longer stays in L2 between
    /// its packing and its use (64×2048·2048×512: 92–95 → 74–83 GFLOP/s deep).
    public static let deepRows = 256
    /// Depth and rows of a block when op(A) has fewer than ``deepRows`` rows.
    public static let shallowDepthBlock = 128
    public static let shallowRowBlock = 256
    /// Depth and rows of a block for a row-major A (enough rows for the deep blocks) deeper than
    /// one ``depthBlock``: every further block of 512 reloaded and stored each C tile. 1024 deep
    /// by 64 rows (256 KiB of A beside a 256 KiB panel) ran 3–7% faster on Zen 4, AVX-512
    /// (`scripts/blocked-product-sweep.sh`: 6400×2048·2048×512 104.2 → 108.0 GFLOP/s,
    /// 6400×1024·1024×512 106.3 → 111.6, 1024³ 108.6 → 111.8, 4096×2048·2048×2048 108.2 → 111.5).
    /// A transposed A keeps 512 by 128: its packed tiles ran alike or slower deeper.
    public static let longDepthBlock = 1024
    public static let longRowBlock = 64
    /// A row-major A this shallow is read in place rather than packed (set on Zen 5 with 128-deep
    /// blocks, below; on Zen 4 with 512-deep blocks in place and packed ran alike).
    static let inPlaceDepth = 128

    /// The depth and rows of one block for a product of this shape: see ``depthBlock``,
    /// ``longDepthBlock`` and ``shallowDepthBlock``.
    static func blocks(transposeA: Bool, m: Int, k: Int) -> (depth: Int, rows: Int) {
        if m < deepRows { return (shallowDepthBlock, shallowRowBlock) }
        if !transposeA && k > depthBlock { return (longDepthBlock, longRowBlock) }
        return (depthBlock, rowBlock)
    }

    /// Floats of scratch ``run(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:accumulate:c:ldc:scratch:)`` needs
    /// for this shape: one depth block of op(B)'s panels, one block of op(A) and a tile.
    public static func scratchCount(transposeA: Bool, m: Int, n: Int, k: Int) -> Int {
        let width = PanelProduct.width, panels = (n + width - 1) / width
        let block = blocks(transposeA: transposeA, m: m, k: k)
        let depth = min(k, block.depth), rows = min(m, block.rows)
        return depth * panels * width + rows * depth + rows * width
    }

    /// `C[m×n] = (accumulate ? C : 0) + alpha · op(A) · op(B)`, where op(A) is m×k and op(B) is k×n,
    /// all row-major with the given row lengths as stored (`lda`, `ldb`, `ldc`).
    ///
    /// - Parameter scratch: at least ``scratchCount(transposeA:m:n:k:)`` floats, not aliasing A, B or C.
    public static func run(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                           a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                           accumulate: Bool, c: UnsafeMutablePointer<Float>, ldc: Int,
                           scratch: UnsafeMutablePointer<Float>) {
        let width = PanelProduct.width
        let panels = (n + width - 1) / width
        let (depthBlock, rowBlock) = blocks(transposeA: transposeA, m: m, k: k)
        let packedB = scratch
        let packedA = packedB + min(k, depthBlock) * panels * width
        let tile = packedA + min(m, rowBlock) * min(k, depthBlock)
        var p0 = 0
        while p0 < k {
            let depth = min(depthBlock, k - p0)
            packPanels(transposed: transposeB, b: b, ldb: ldb, from: p0, depth: depth, n: n, into: packedB)
            let add = accumulate || p0 > 0
            var i0 = 0
            while i0 < m {
                let rows = min(rowBlock, m - i0)
                // How the kernel reads this block of op(A): a transposed A in packed tiles, else
                // as rows, stored or packed. A transposed A was read in place before (its rows at
                // one k are neighbours), but each k then strides a whole stored row, 8 KiB for a
                // 2048-gate ∂W, so a tile's lines share few L1 sets; tiles, which let it take the
                // deep blocks too, ran faster on Zen 4 (2048×6400·6400×512: AVX-512 79–88 → 92–103
                // GFLOP/s, AVX2 46–51 → 75–79; 512×2048·2048×128: 79–102 → 90–104, AVX2 79–83 → 77–80).
                // A tile's strides are its own (row 1, k its height), set where it is read below.
                let source: UnsafePointer<Float>, rowStride: Int, kStride: Int
                if transposeA {
                    packTiles(a: a, lda: lda, rows: i0, count: rows, from: p0, depth: depth, alpha: alpha, into: packedA)
                    (source, rowStride, kStride) = (UnsafePointer(packedA), 1, 0)
                } else if alpha == 1 && (k <= inPlaceDepth || panels <= 2) {
                    // A product no deeper than inPlaceDepth, or with at most two panels to reuse a
                    // packed block (an output layer: 128 deep, or 65 wide), reads A's rows in place
                    // too: packing only copied them (2048×128·128×65: 152–157 → 168–173 GFLOP/s;
                    // 4096×256·256×65: 136–137 → 147–152). Deeper and wider ones keep the packed
                    // rows, whose k-slices sit together (6400×512·512×2048 in place: 219–224 →
                    // 209–213).
                    (source, rowStride, kStride) = (a + i0 * lda + p0, lda, 1)
                } else {
                    packA(a: a, lda: lda, rows: i0, count: rows, from: p0, depth: depth, alpha: alpha, into: packedA)
                    (source, rowStride, kStride) = (UnsafePointer(packedA), depth, 1)
                }
                for j in 0..<panels {
                    let column = j * width, columns = min(width, n - column)
                    let panel = packedB + j * depth * width, target = c + i0 * ldc + column
                    // The last, narrower panel goes through a full-width tile so the kernel never
                    // writes past C's columns; one vector's worth of columns or fewer, through one
                    // lane of it (6400×512·512×65: 92 → 101 GFLOP/s with the full width).
                    let narrow = columns < width
                    let out = narrow ? tile : target, ldo = narrow ? width : ldc
                    if narrow && add {
                        for r in 0..<rows { (tile + r * width).update(from: target + r * ldc, count: columns) }
                    }
                    func multiply(rows: Int, a: UnsafePointer<Float>, rowStride: Int, kStride: Int, c: UnsafeMutablePointer<Float>) {
                        multiplyPanel(columns: columns, rows: rows, depth: depth, a: a, rowStride: rowStride, kStride: kStride,
                                      panel: panel, c: c, ldc: ldo, accumulate: add)
                    }
                    if transposeA {
                        var r = 0
                        while r < rows {
                            let height = tileHeight(rows - r)
                            multiply(rows: height, a: source + r * depth, rowStride: 1, kStride: height, c: out + r * ldo)
                            r += height
                        }
                    } else {
                        multiply(rows: rows, a: source, rowStride: rowStride, kStride: kStride, c: out)
                    }
                    if narrow {
                        for r in 0..<rows { (target + r * ldc).update(from: tile + r * width, count: columns) }
                    }
                }
                i0 += rows
            }
            p0 += depth
        }
    }

    /// `C[m×n] += Aᵀ·B` for a shallow transposed A read in place (`Aᵀ[r, p]` at `a + p·lda + r`) and
    /// B already in ``packPanels(transposed:b:ldb:from:depth:n:into:)``'s panels: one recurrent
    /// step's share of a weight gradient, `∂W_hh += ∂g_tᵀ·h_{t−1}` (depth = the batch), taken while
    /// `∂g_t` is still in cache instead of in one product over every step after the sweep.
    ///
    /// Each element of C gets one more chain of `k` FMAs in the order p = 0, 1, …, so calling this
    /// for steps T−1, …, 0 gives the same bits whichever rows of C a caller takes, and whenever.
    ///
    /// - Parameter tile: `m · width` floats of scratch, for a last panel narrower than ``PanelProduct/width``.
    public static func accumulateTransposed(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                                            panels: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
                                            tile: UnsafeMutablePointer<Float>) {
        let width = PanelProduct.width
        var column = 0, panel = panels
        while column < n {
            let columns = min(width, n - column), target = c + column
            // As in `run`: the kernel writes whole panel rows, so a narrow panel goes through the tile.
            let narrow = columns < width
            let out = narrow ? tile : target, ldo = narrow ? width : ldc
            if narrow { for r in 0..<m { (tile + r * width).update(from: target + r * ldc, count: columns) } }
            multiplyPanel(columns: columns, rows: m, depth: k, a: a, rowStride: 1, kStride: lda, panel: panel, c: out, ldc: ldo,
                          accumulate: true)
            if narrow { for r in 0..<m { (target + r * ldc).update(from: tile + r * width, count: columns) } }
            panel += k * width
            column += width
        }
    }

    /// The panel kernel for a panel of which only `columns` are C's: one vector's worth or fewer
    /// through ``PanelProduct/runOneLane(rows:depth:a:rowStride:kStride:panel:c:ldc:accumulate:)``,
    /// which does a quarter of the full width's work.
    @inline(__always)
    static func multiplyPanel(columns: Int, rows: Int, depth: Int, a: UnsafePointer<Float>, rowStride: Int, kStride: Int,
                              panel: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        if columns <= PanelProduct.lanes {
            PanelProduct.runOneLane(rows: rows, depth: depth, a: a, rowStride: rowStride, kStride: kStride,
                                    panel: panel, c: c, ldc: ldc, accumulate: accumulate)
        } else {
            PanelProduct.run(rows: rows, depth: depth, a: a, rowStride: rowStride, kStride: kStride,
                             panel: panel, c: c, ldc: ldc, accumulate: accumulate)
        }
    }

    /// Rows of op(A) in the next tile of a packed transposed block, when `left` rows remain: one
    /// vector's worth (16 with AVX-512, 8 with AVX2), which the kernel reads as its own tiles.
    @inline(__always)
    static func tileHeight(_ left: Int) -> Int { min(left, Lane.scalarCount) }

    /// Rows `i0..<i0+count`, columns `from..<from+depth` of alpha·op(A) for a transposed A
    /// (op(A)[r, p] = A[p, r]), packed in tiles of ``tileHeight(_:)`` rows: the tile of rows
    /// `r ..< r+h` at `packed + r·depth`, its element `[p, q]` at `p·h + q`, so each k of a tile is
    /// one vector copied from one stored row of A, and the kernel reads the tile in order.
    @inline(__always)
    private static func packTiles(a: UnsafePointer<Float>, lda: Int, rows i0: Int, count: Int, from p0: Int, depth: Int,
                                  alpha: Float, into packed: UnsafeMutablePointer<Float>) {
        var r = 0
        while r < count {
            let height = tileHeight(count - r)
            var source = a + p0 * lda + i0 + r, target = packed + r * depth
            if height == Lane.scalarCount {
                let scale = Lane(repeating: alpha)
                for _ in 0..<depth {
                    let v = UnsafeRawPointer(source).loadUnaligned(as: Lane.self)
                    UnsafeMutableRawPointer(target).storeBytes(of: alpha == 1 ? v : v * scale, as: Lane.self)
                    source += lda
                    target += height
                }
            } else {
                for _ in 0..<depth {
                    for q in 0..<height { target[q] = alpha * source[q] }
                    source += lda
                    target += height
                }
            }
            r += height
        }
    }

    /// Rows `from..<from+depth` of op(B) into `⌈n / width⌉` panels of `depth × width` floats, the
    /// layout ``PanelProduct`` reads: panel `j` holds columns `j·width ..< (j+1)·width`, zero past `n`.
    /// Also how the recurrent weights and a compiled step's constant factor are packed once per pass.
    public static func packPanels(transposed: Bool, b: UnsafePointer<Float>, ldb: Int, from p0: Int, depth: Int, n: Int,
                                  into packed: UnsafeMutablePointer<Float>) {
        let width = PanelProduct.width
        var column = 0
        var panel = packed
        while column < n {
            let columns = min(width, n - column)
            if transposed {
                // op(B)[p, j] = B[j, p]: each stored row of B is one panel column.
                for j in 0..<columns {
                    let source = b + (column + j) * ldb + p0
                    for p in 0..<depth { panel[p * width + j] = source[p] }
                }
            } else {
                for p in 0..<depth {
                    (panel + p * width).update(from: b + (p0 + p) * ldb + column, count: columns)
                }
            }
            if columns < width {
                for p in 0..<depth { (panel + p * width + columns).update(repeating: 0, count: width - columns) }
            }
            panel += depth * width
            column += width
        }
    }

    /// Rows `i0..<i0+count`, columns `from..<from+depth` of alpha·A (A not transposed), row-major
    /// with row length `depth`.
    @inline(__always)
    private static func packA(a: UnsafePointer<Float>, lda: Int, rows i0: Int, count: Int,
                              from p0: Int, depth: Int, alpha: Float, into packed: UnsafeMutablePointer<Float>) {
        if alpha == 1 {
            for r in 0..<count { (packed + r * depth).update(from: a + (i0 + r) * lda + p0, count: depth) }
        } else {
            for r in 0..<count {
                let source = a + (i0 + r) * lda + p0, row = packed + r * depth
                for p in 0..<depth { row[p] = alpha * source[p] }
            }
        }
    }
}
