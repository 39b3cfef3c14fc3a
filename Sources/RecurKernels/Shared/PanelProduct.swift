// One source, compiled twice: RecurKernelsAVX512 (`Lane` = SIMD16<Float>, -target-cpu skylake-avx512)
// and RecurKernelsAVX2 (`Lane` = SIMD8<Float>, -target-cpu haswell); each module's Lane.swift says
// which. The file is a symlink in both target folders, so the two paths cannot drift apart.

@inline(__always) private func load(_ p: UnsafePointer<Float>) -> Lane {
    UnsafeRawPointer(p).loadUnaligned(as: Lane.self)
}

@inline(__always) private func store(_ v: Lane, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lane.self)
}

/// The register-blocked product at the heart of a recurrent step, for one packed panel.
///
/// A panel is `depth` rows of ``width`` floats stored contiguously (row `k` at `panel + k·width`):
/// four SIMD lanes of columns. With AVX-512 (32 registers) the loop keeps 6 or 4 rows × 4 lanes
/// of accumulators in registers: 24 FMAs per 4 panel loads and 6 broadcasts, or 16 per 4 and 4,
/// and each panel row is read from L1/L2 once per 6 or 4 batch rows (six rows made a 2×512 LSTM's
/// training step 4% faster on one thread). AVX2 has 16 registers, so there 2 × 4 is the largest
/// tile without spills (8 FMAs per 4 loads and 2 broadcasts).
public enum PanelProduct {
    /// Floats in one panel row: four vector lanes (64 with AVX-512, 32 with AVX2).
    public static var width: Int { 4 * Lane.scalarCount }

    /// Lanes of one vector register (16 with AVX-512, 8 with AVX2).
    public static var lanes: Int { Lane.scalarCount }

    /// `C[r, 0..<width] = start[r] + Σ_k A[r, k] · P[k, 0..<width]` for `r` in `0..<rows`.
    ///
    /// - Parameters:
    ///   - a: row `r` at `a + r·lda`, `depth` floats.
    ///   - panel: `depth × width`, packed.
    ///   - bias: when not `nil` and `accumulate` is false, every row starts from these `width` floats.
    ///   - c: row `r` at `c + r·ldc`, `width` floats.
    ///   - accumulate: start from C itself (C += A·P).
    public static func run(rows: Int, depth: Int, a: UnsafePointer<Float>, lda: Int, panel: UnsafePointer<Float>,
                           bias: UnsafePointer<Float>?, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        sweep(rows: rows, depth: depth, a: a, rowStride: lda, kStride: 1, sixRows: true, panel: panel, bias: bias,
              c: c, ldc: ldc, accumulate: accumulate)
    }

    /// ``run(rows:depth:a:lda:panel:bias:c:ldc:accumulate:)`` with A's element `[r, k]` at
    /// `a + r·rowStride + k·kStride`: `kStride` 1 for A as stored row by row, `rowStride` 1 for a
    /// transposed A read in place (k is then A's stored row).
    public static func run(rows: Int, depth: Int, a: UnsafePointer<Float>, rowStride: Int, kStride: Int,
                           panel: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        // Six-row tiles only for a transposed A: on a packed row-major A they ran at 182 against the
        // quads' 207 GFLOP/s (6400×512·512×2048), on a transposed one at 200 against 172.
        sweep(rows: rows, depth: depth, a: a, rowStride: rowStride, kStride: kStride, sixRows: rowStride < kStride,
              panel: panel, bias: nil, c: c, ldc: ldc, accumulate: accumulate)
    }

    /// The first `lanes` columns of a panel only (one vector register): `C[r, 0..<lanes] =
    /// (accumulate ? C : 0) + Σ_k A[r, k] · P[k, 0..<lanes]`, A addressed as in
    /// ``run(rows:depth:a:rowStride:kStride:panel:c:ldc:accumulate:)``. For the last few columns
    /// of a product (an output layer of 65 symbols leaves one), where a full-width panel would do
    /// four times the work. Eight rows at a time: 8 FMAs per panel load and 8 broadcasts.
    public static func runOneLane(rows: Int, depth: Int, a: UnsafePointer<Float>, rowStride lda: Int, kStride: Int,
                                  panel: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
                                  accumulate: Bool) {
        var r = 0
        while r + 8 <= rows {
            let base = c + r * ldc
            var c0 = Lane(), c1 = Lane(), c2 = Lane(), c3 = Lane(), c4 = Lane(), c5 = Lane(), c6 = Lane(), c7 = Lane()
            if accumulate {
                c0 = load(base); c1 = load(base + ldc); c2 = load(base + 2 * ldc); c3 = load(base + 3 * ldc)
                c4 = load(base + 4 * ldc); c5 = load(base + 5 * ldc); c6 = load(base + 6 * ldc); c7 = load(base + 7 * ldc)
            }
            var x = a + r * lda, p = panel
            for _ in 0..<depth {
                let b = load(p)
                c0.addProduct(Lane(repeating: x[0]), b); c1.addProduct(Lane(repeating: x[lda]), b)
                c2.addProduct(Lane(repeating: x[2 * lda]), b); c3.addProduct(Lane(repeating: x[3 * lda]), b)
                c4.addProduct(Lane(repeating: x[4 * lda]), b); c5.addProduct(Lane(repeating: x[5 * lda]), b)
                c6.addProduct(Lane(repeating: x[6 * lda]), b); c7.addProduct(Lane(repeating: x[7 * lda]), b)
                p += width
                x += kStride
            }
            store(c0, base); store(c1, base + ldc); store(c2, base + 2 * ldc); store(c3, base + 3 * ldc)
            store(c4, base + 4 * ldc); store(c5, base + 5 * ldc); store(c6, base + 6 * ldc); store(c7, base + 7 * ldc)
            r += 8
        }
        while r < rows {
            let target = c + r * ldc
            var sum = accumulate ? load(target) : Lane()
            var x = a + r * lda, p = panel
            for _ in 0..<depth {
                sum.addProduct(Lane(repeating: x[0]), load(p))
                p += width
                x += kStride
            }
            store(sum, target)
            r += 1
        }
    }

    @inline(__always)
    private static func sweep(rows: Int, depth: Int, a: UnsafePointer<Float>, rowStride lda: Int, kStride: Int,
                              sixRows: Bool, panel: UnsafePointer<Float>, bias: UnsafePointer<Float>?, c: UnsafeMutablePointer<Float>,
                              ldc: Int, accumulate: Bool) {
        var r = 0
        if Lane.scalarCount == 16 {
            // Eight rows left go as two quads rather than a sextet and a pair.
            while sixRows && rows - r >= 6 && rows - r != 8 {
                sextet(depth: depth, a: a + r * lda, lda: lda, kStride: kStride, panel: panel, bias: bias,
                       c: c + r * ldc, ldc: ldc, accumulate: accumulate)
                r += 6
            }
            while r + 4 <= rows {
                quad(depth: depth, a: a + r * lda, lda: lda, kStride: kStride, panel: panel, bias: bias,
                     c: c + r * ldc, ldc: ldc, accumulate: accumulate)
                r += 4
            }
        } else {
            // Four rows left go as two pairs rather than a triple and a single (four chains, which
            // wait on the FMA latency).
            while rows - r >= 3 && rows - r != 4 {
                triple(depth: depth, a: a + r * lda, lda: lda, kStride: kStride, panel: panel, bias: bias,
                       c: c + r * ldc, ldc: ldc, accumulate: accumulate)
                r += 3
            }
        }
        while r + 2 <= rows {
            pair(depth: depth, a: a + r * lda, lda: lda, kStride: kStride, panel: panel, bias: bias,
                 c: c + r * ldc, ldc: ldc, accumulate: accumulate)
            r += 2
        }
        if r < rows {
            single(depth: depth, a: a + r * lda, kStride: kStride, panel: panel, bias: bias, c: c + r * ldc,
                   accumulate: accumulate)
        }
    }

    /// Six rows × four lanes: 24 accumulators, 4 panel loads and 6 broadcasts per 24 FMAs, so a
    /// panel row read from L2 serves 1.5 times the work of a quad's.
    @inline(__always)
    private static func sextet(depth: Int, a: UnsafePointer<Float>, lda: Int, kStride: Int, panel: UnsafePointer<Float>,
                               bias: UnsafePointer<Float>?, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        let w = Lane.scalarCount
        var c00 = Lane(), c01 = Lane(), c02 = Lane(), c03 = Lane()
        var c10 = Lane(), c11 = Lane(), c12 = Lane(), c13 = Lane()
        var c20 = Lane(), c21 = Lane(), c22 = Lane(), c23 = Lane()
        var c30 = Lane(), c31 = Lane(), c32 = Lane(), c33 = Lane()
        var c40 = Lane(), c41 = Lane(), c42 = Lane(), c43 = Lane()
        var c50 = Lane(), c51 = Lane(), c52 = Lane(), c53 = Lane()
        let c1 = c + ldc, c2 = c + 2 * ldc, c3 = c + 3 * ldc, c4 = c + 4 * ldc, c5 = c + 5 * ldc
        if accumulate {
            c00 = load(c); c01 = load(c + w); c02 = load(c + 2 * w); c03 = load(c + 3 * w)
            c10 = load(c1); c11 = load(c1 + w); c12 = load(c1 + 2 * w); c13 = load(c1 + 3 * w)
            c20 = load(c2); c21 = load(c2 + w); c22 = load(c2 + 2 * w); c23 = load(c2 + 3 * w)
            c30 = load(c3); c31 = load(c3 + w); c32 = load(c3 + 2 * w); c33 = load(c3 + 3 * w)
            c40 = load(c4); c41 = load(c4 + w); c42 = load(c4 + 2 * w); c43 = load(c4 + 3 * w)
            c50 = load(c5); c51 = load(c5 + w); c52 = load(c5 + 2 * w); c53 = load(c5 + 3 * w)
        } else if let bias {
            c00 = load(bias); c01 = load(bias + w); c02 = load(bias + 2 * w); c03 = load(bias + 3 * w)
            c10 = c00; c11 = c01; c12 = c02; c13 = c03
            c20 = c00; c21 = c01; c22 = c02; c23 = c03
            c30 = c00; c31 = c01; c32 = c02; c33 = c03
            c40 = c00; c41 = c01; c42 = c02; c43 = c03
            c50 = c00; c51 = c01; c52 = c02; c53 = c03
        }
        let l2 = 2 * lda, l3 = 3 * lda, l4 = 4 * lda, l5 = 5 * lda
        var x = a, p = panel
        for _ in 0..<depth {
            let b0 = load(p), b1 = load(p + w), b2 = load(p + 2 * w), b3 = load(p + 3 * w)
            let x0 = Lane(repeating: x[0]), x1 = Lane(repeating: x[lda])
            c00.addProduct(x0, b0); c01.addProduct(x0, b1); c02.addProduct(x0, b2); c03.addProduct(x0, b3)
            c10.addProduct(x1, b0); c11.addProduct(x1, b1); c12.addProduct(x1, b2); c13.addProduct(x1, b3)
            let x2 = Lane(repeating: x[l2]), x3 = Lane(repeating: x[l3])
            c20.addProduct(x2, b0); c21.addProduct(x2, b1); c22.addProduct(x2, b2); c23.addProduct(x2, b3)
            c30.addProduct(x3, b0); c31.addProduct(x3, b1); c32.addProduct(x3, b2); c33.addProduct(x3, b3)
            let x4 = Lane(repeating: x[l4]), x5 = Lane(repeating: x[l5])
            c40.addProduct(x4, b0); c41.addProduct(x4, b1); c42.addProduct(x4, b2); c43.addProduct(x4, b3)
            c50.addProduct(x5, b0); c51.addProduct(x5, b1); c52.addProduct(x5, b2); c53.addProduct(x5, b3)
            p += 4 * w
            x += kStride
        }
        store(c00, c); store(c01, c + w); store(c02, c + 2 * w); store(c03, c + 3 * w)
        store(c10, c1); store(c11, c1 + w); store(c12, c1 + 2 * w); store(c13, c1 + 3 * w)
        store(c20, c2); store(c21, c2 + w); store(c22, c2 + 2 * w); store(c23, c2 + 3 * w)
        store(c30, c3); store(c31, c3 + w); store(c32, c3 + 2 * w); store(c33, c3 + 3 * w)
        store(c40, c4); store(c41, c4 + w); store(c42, c4 + 2 * w); store(c43, c4 + 3 * w)
        store(c50, c5); store(c51, c5 + w); store(c52, c5 + 2 * w); store(c53, c5 + 3 * w)
    }

    @inline(__always)
    private static func quad(depth: Int, a: UnsafePointer<Float>, lda: Int, kStride: Int, panel: UnsafePointer<Float>,
                             bias: UnsafePointer<Float>?, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        let w = Lane.scalarCount
        var c00 = Lane(), c01 = Lane(), c02 = Lane(), c03 = Lane()
        var c10 = Lane(), c11 = Lane(), c12 = Lane(), c13 = Lane()
        var c20 = Lane(), c21 = Lane(), c22 = Lane(), c23 = Lane()
        var c30 = Lane(), c31 = Lane(), c32 = Lane(), c33 = Lane()
        let c1 = c + ldc, c2 = c + 2 * ldc, c3 = c + 3 * ldc
        if accumulate {
            c00 = load(c); c01 = load(c + w); c02 = load(c + 2 * w); c03 = load(c + 3 * w)
            c10 = load(c1); c11 = load(c1 + w); c12 = load(c1 + 2 * w); c13 = load(c1 + 3 * w)
            c20 = load(c2); c21 = load(c2 + w); c22 = load(c2 + 2 * w); c23 = load(c2 + 3 * w)
            c30 = load(c3); c31 = load(c3 + w); c32 = load(c3 + 2 * w); c33 = load(c3 + 3 * w)
        } else if let bias {
            c00 = load(bias); c01 = load(bias + w); c02 = load(bias + 2 * w); c03 = load(bias + 3 * w)
            c10 = c00; c11 = c01; c12 = c02; c13 = c03
            c20 = c00; c21 = c01; c22 = c02; c23 = c03
            c30 = c00; c31 = c01; c32 = c02; c33 = c03
        }
        let l2 = 2 * lda, l3 = 3 * lda
        var x = a, p = panel
        for _ in 0..<depth {
            let b0 = load(p), b1 = load(p + w), b2 = load(p + 2 * w), b3 = load(p + 3 * w)
            let x0 = Lane(repeating: x[0]), x1 = Lane(repeating: x[lda])
            c00.addProduct(x0, b0); c01.addProduct(x0, b1); c02.addProduct(x0, b2); c03.addProduct(x0, b3)
            c10.addProduct(x1, b0); c11.addProduct(x1, b1); c12.addProduct(x1, b2); c13.addProduct(x1, b3)
            let x2 = Lane(repeating: x[l2]), x3 = Lane(repeating: x[l3])
            c20.addProduct(x2, b0); c21.addProduct(x2, b1); c22.addProduct(x2, b2); c23.addProduct(x2, b3)
            c30.addProduct(x3, b0); c31.addProduct(x3, b1); c32.addProduct(x3, b2); c33.addProduct(x3, b3)
            p += 4 * w
            x += kStride
        }
        store(c00, c); store(c01, c + w); store(c02, c + 2 * w); store(c03, c + 3 * w)
        store(c10, c1); store(c11, c1 + w); store(c12, c1 + 2 * w); store(c13, c1 + 3 * w)
        store(c20, c2); store(c21, c2 + w); store(c22, c2 + 2 * w); store(c23, c2 + 3 * w)
        store(c30, c3); store(c31, c3 + w); store(c32, c3 + 2 * w); store(c33, c3 + 3 * w)
    }

    /// Three rows × four lanes, for AVX2's 16 registers: 12 accumulators, the three rows'
    /// broadcasts, and one panel vector at a time, which serves three FMAs before the next is
    /// loaded. 7 loads per 12 FMAs, where a pair has 6 per 8, and 12 chains in flight, where a
    /// pair's 8 are just the FMA latency (4 cycles) times its two ports.
    @inline(__always)
    private static func triple(depth: Int, a: UnsafePointer<Float>, lda: Int, kStride: Int, panel: UnsafePointer<Float>,
                               bias: UnsafePointer<Float>?, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        let w = Lane.scalarCount
        var c00 = Lane(), c01 = Lane(), c02 = Lane(), c03 = Lane()
        var c10 = Lane(), c11 = Lane(), c12 = Lane(), c13 = Lane()
        var c20 = Lane(), c21 = Lane(), c22 = Lane(), c23 = Lane()
        let c1 = c + ldc, c2 = c + 2 * ldc
        if accumulate {
            c00 = load(c); c01 = load(c + w); c02 = load(c + 2 * w); c03 = load(c + 3 * w)
            c10 = load(c1); c11 = load(c1 + w); c12 = load(c1 + 2 * w); c13 = load(c1 + 3 * w)
            c20 = load(c2); c21 = load(c2 + w); c22 = load(c2 + 2 * w); c23 = load(c2 + 3 * w)
        } else if let bias {
            c00 = load(bias); c01 = load(bias + w); c02 = load(bias + 2 * w); c03 = load(bias + 3 * w)
            c10 = c00; c11 = c01; c12 = c02; c13 = c03
            c20 = c00; c21 = c01; c22 = c02; c23 = c03
        }
        let l2 = 2 * lda
        var x = a, p = panel
        for _ in 0..<depth {
            let x0 = Lane(repeating: x[0]), x1 = Lane(repeating: x[lda]), x2 = Lane(repeating: x[l2])
            let b0 = load(p)
            c00.addProduct(x0, b0); c10.addProduct(x1, b0); c20.addProduct(x2, b0)
            let b1 = load(p + w)
            c01.addProduct(x0, b1); c11.addProduct(x1, b1); c21.addProduct(x2, b1)
            let b2 = load(p + 2 * w)
            c02.addProduct(x0, b2); c12.addProduct(x1, b2); c22.addProduct(x2, b2)
            let b3 = load(p + 3 * w)
            c03.addProduct(x0, b3); c13.addProduct(x1, b3); c23.addProduct(x2, b3)
            p += 4 * w
            x += kStride
        }
        store(c00, c); store(c01, c + w); store(c02, c + 2 * w); store(c03, c + 3 * w)
        store(c10, c1); store(c11, c1 + w); store(c12, c1 + 2 * w); store(c13, c1 + 3 * w)
        store(c20, c2); store(c21, c2 + w); store(c22, c2 + 2 * w); store(c23, c2 + 3 * w)
    }

    @inline(__always)
    private static func pair(depth: Int, a: UnsafePointer<Float>, lda: Int, kStride: Int, panel: UnsafePointer<Float>,
                             bias: UnsafePointer<Float>?, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        let w = Lane.scalarCount
        var c00 = Lane(), c01 = Lane(), c02 = Lane(), c03 = Lane()
        var c10 = Lane(), c11 = Lane(), c12 = Lane(), c13 = Lane()
        if accumulate {
            c00 = load(c); c01 = load(c + w); c02 = load(c + 2 * w); c03 = load(c + 3 * w)
            c10 = load(c + ldc); c11 = load(c + ldc + w); c12 = load(c + ldc + 2 * w); c13 = load(c + ldc + 3 * w)
        } else if let bias {
            c00 = load(bias); c01 = load(bias + w); c02 = load(bias + 2 * w); c03 = load(bias + 3 * w)
            c10 = c00; c11 = c01; c12 = c02; c13 = c03
        }
        var x = a, p = panel
        for _ in 0..<depth {
            let b0 = load(p), b1 = load(p + w), b2 = load(p + 2 * w), b3 = load(p + 3 * w)
            let x0 = Lane(repeating: x[0]), x1 = Lane(repeating: x[lda])
            c00.addProduct(x0, b0); c01.addProduct(x0, b1); c02.addProduct(x0, b2); c03.addProduct(x0, b3)
            c10.addProduct(x1, b0); c11.addProduct(x1, b1); c12.addProduct(x1, b2); c13.addProduct(x1, b3)
            p += 4 * w
            x += kStride
        }
        store(c00, c); store(c01, c + w); store(c02, c + 2 * w); store(c03, c + 3 * w)
        store(c10, c + ldc); store(c11, c + ldc + w); store(c12, c + ldc + 2 * w); store(c13, c + ldc + 3 * w)
    }

    @inline(__always)
    private static func single(depth: Int, a: UnsafePointer<Float>, kStride: Int, panel: UnsafePointer<Float>,
                               bias: UnsafePointer<Float>?, c: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let w = Lane.scalarCount
        var c0 = Lane(), c1 = Lane(), c2 = Lane(), c3 = Lane()
        if accumulate {
            c0 = load(c); c1 = load(c + w); c2 = load(c + 2 * w); c3 = load(c + 3 * w)
        } else if let bias {
            c0 = load(bias); c1 = load(bias + w); c2 = load(bias + 2 * w); c3 = load(bias + 3 * w)
        }
        var x = a, p = panel
        for _ in 0..<depth {
            let v = Lane(repeating: x[0])
            c0.addProduct(v, load(p)); c1.addProduct(v, load(p + w)); c2.addProduct(v, load(p + 2 * w)); c3.addProduct(v, load(p + 3 * w))
            p += 4 * w
            x += kStride
        }
        store(c0, c); store(c1, c + w); store(c2, c + 2 * w); store(c3, c + 3 * w)
    }
}
