/// The element-wise loops of RecurKit's compiled step (`StepProgram`): forward ops and their
/// vector–Jacobian products over `rows` rows of `width` floats, each operand with its own row
/// stride (0: one row broadcast over the batch; a view's root width: a window on a wider row).
/// One source compiled like ``ElementwiseMath`` (RecurCore's baseline build, RecurKernelsAVX512,
/// RecurKernelsAVX2); every element is the same IEEE operations in the same order in each build
/// and in the scalar tail, so the builds give the same bits.
///
/// Accumulating loops read and write one chunk at a time in operand order, so an operand that
/// appears twice (`x * x`, whose two gradient slots are the same memory) adds both terms, as
/// the scalar loop does.
@usableFromInline
enum StepMath: SixteenLanes {
    @usableFromInline typealias V = SIMD16<Float>

    // Binary ops (`binary`, `binaryBackward`).
    static let add = 0, sub = 1, mul = 2, div = 3
    // Unary ops (`unary`, `unaryBackward`); `s` is the scalar of scale / addScalar / rsubScalar.
    static let scale = 0, addScalar = 1, rsubScalar = 2, relu = 3, tanh = 4, sigmoid = 5, exp = 6

    /// `y = a ∘ b` row by row; `y` is `[rows, width]`, dense.
    static func binary(_ op: Int, _ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
                       _ y: UnsafeMutablePointer<Float>, rows: Int, width w: Int) {
        for r in 0..<rows {
            let pa = a + r * sa, pb = b + r * sb, o = y + r * w
            var j = 0
            switch op {
            case add:
                while j + 16 <= w { store(load(pa + j) + load(pb + j), o + j); j += 16 }
                while j < w { o[j] = pa[j] + pb[j]; j += 1 }
            case sub:
                while j + 16 <= w { store(load(pa + j) - load(pb + j), o + j); j += 16 }
                while j < w { o[j] = pa[j] - pb[j]; j += 1 }
            case mul:
                while j + 16 <= w { store(load(pa + j) * load(pb + j), o + j); j += 16 }
                while j < w { o[j] = pa[j] * pb[j]; j += 1 }
            default:
                while j + 16 <= w { store(load(pa + j) / load(pb + j), o + j); j += 16 }
                while j < w { o[j] = pa[j] / pb[j]; j += 1 }
            }
        }
    }

    /// `y = f(x)` row by row; `y` is `[rows, width]`, dense. A dense `x` runs as one row.
    static func unary(_ op: Int, _ s: Float, _ x: UnsafePointer<Float>, _ sx: Int, _ y: UnsafeMutablePointer<Float>,
                      rows: Int, width: Int) {
        let (runs, w) = sx == width ? (1, rows * width) : (rows, width)
        let vs = V(repeating: s)
        for r in 0..<runs {
            let px = x + r * sx, o = y + r * width
            var j = 0
            switch op {
            case scale:
                while j + 16 <= w { store(load(px + j) * vs, o + j); j += 16 }
                while j < w { o[j] = px[j] * s; j += 1 }
            case addScalar:
                while j + 16 <= w { store(load(px + j) + vs, o + j); j += 16 }
                while j < w { o[j] = px[j] + s; j += 1 }
            case rsubScalar:
                while j + 16 <= w { store(vs - load(px + j), o + j); j += 16 }
                while j < w { o[j] = s - px[j]; j += 1 }
            case relu:
                while j + 16 <= w {
                    var v = load(px + j)
                    v.replace(with: 0, where: v .<= 0)   // Swift.max(x, 0): -0 → 0, NaN stays
                    store(v, o + j)
                    j += 16
                }
                while j < w { o[j] = px[j] <= 0 ? 0 : px[j]; j += 1 }
            case tanh: tanhRow(px, o, w)
            case sigmoid: sigmoidRow(px, o, w)
            default: expRow(px, o, w)
            }
        }
    }

    // One function each: inside `unary`'s switch the optimiser calls the approximation per
    // vector instead of inlining it (measured: 23% of a minLSTM step in the call).
    @inline(never) static func tanhRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        ElementwiseMath.map(x, y, n) { ElementwiseMath.tanh($0) }
    }

    @inline(never) static func sigmoidRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        ElementwiseMath.map(x, y, n) { ElementwiseMath.sigmoid($0) }
    }

    @inline(never) static func expRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        ElementwiseMath.map(x, y, n) { ElementwiseMath.exp($0) }
    }

    /// Adds this op's ∂a and ∂b for `y = a ∘ b` given `g` = ∂y (`[rows, width]`, dense); `da`,
    /// `db` have `a`'s and `b`'s strides.
    static func binaryBackward(_ op: Int, _ g: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ sa: Int,
                               _ b: UnsafePointer<Float>, _ sb: Int,
                               _ da: UnsafeMutablePointer<Float>, _ db: UnsafeMutablePointer<Float>, rows: Int, width w: Int) {
        for r in 0..<rows {
            let pg = g + r * w, pa = a + r * sa, pb = b + r * sb, qa = da + r * sa, qb = db + r * sb
            var j = 0
            switch op {
            case add:
                while j + 16 <= w {
                    let gv = load(pg + j)
                    store(load(qa + j) + gv, qa + j)
                    store(load(qb + j) + gv, qb + j)
                    j += 16
                }
                while j < w { qa[j] += pg[j]; qb[j] += pg[j]; j += 1 }
            case sub:
                while j + 16 <= w {
                    let gv = load(pg + j)
                    store(load(qa + j) + gv, qa + j)
                    store(load(qb + j) - gv, qb + j)
                    j += 16
                }
                while j < w { qa[j] += pg[j]; qb[j] -= pg[j]; j += 1 }
            case mul:
                while j + 16 <= w {
                    let gv = load(pg + j), av = load(pa + j), bv = load(pb + j)
                    store(load(qa + j) + gv * bv, qa + j)
                    store(load(qb + j) + gv * av, qb + j)
                    j += 16
                }
                while j < w { let gj = pg[j], aj = pa[j], bj = pb[j]; qa[j] += gj * bj; qb[j] += gj * aj; j += 1 }
            default:
                while j + 16 <= w {
                    let av = load(pa + j), bv = load(pb + j), q = load(pg + j) / bv
                    store(load(qa + j) + q, qa + j)
                    store(load(qb + j) - q * av / bv, qb + j)
                    j += 16
                }
                while j < w { let q = pg[j] / pb[j]; qa[j] += q; qb[j] -= q * pa[j] / pb[j]; j += 1 }
            }
        }
    }

    /// Adds ∂x for `y = f(x)` given `g` = ∂y and the output `y` (both `[rows, width]`, dense);
    /// `dx` has `x`'s stride.
    static func unaryBackward(_ op: Int, _ s: Float, _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ sx: Int,
                              _ y: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        let (runs, w) = sx == width ? (1, rows * width) : (rows, width)
        let vs = V(repeating: s), one = V(repeating: 1)
        for r in 0..<runs {
            let pg = g + r * width, px = x + r * sx, py = y + r * width, q = dx + r * sx
            var j = 0
            switch op {
            case scale:
                while j + 16 <= w { store(load(q + j) + vs * load(pg + j), q + j); j += 16 }
                while j < w { q[j] += s * pg[j]; j += 1 }
            case addScalar:
                while j + 16 <= w { store(load(q + j) + load(pg + j), q + j); j += 16 }
                while j < w { q[j] += pg[j]; j += 1 }
            case rsubScalar:
                while j + 16 <= w { store(load(q + j) - load(pg + j), q + j); j += 16 }
                while j < w { q[j] -= pg[j]; j += 1 }
            case relu:
                while j + 16 <= w {
                    var gv = load(pg + j)
                    gv.replace(with: 0, where: .!(load(px + j) .> 0))
                    store(load(q + j) + gv, q + j)
                    j += 16
                }
                while j < w { q[j] += px[j] > 0 ? pg[j] : 0; j += 1 }
            case tanh:
                while j + 16 <= w { let o = load(py + j); store(load(q + j) + load(pg + j) * (one - o * o), q + j); j += 16 }
                while j < w { q[j] += pg[j] * (1 - py[j] * py[j]); j += 1 }
            case sigmoid:
                while j + 16 <= w { let o = load(py + j); store(load(q + j) + load(pg + j) * o * (one - o), q + j); j += 16 }
                while j < w { q[j] += pg[j] * py[j] * (1 - py[j]); j += 1 }
            default:
                while j + 16 <= w { store(load(q + j) + load(pg + j) * load(py + j), q + j); j += 16 }
                while j < w { q[j] += pg[j] * py[j]; j += 1 }
            }
        }
    }

    /// The sum of `count` terms row by row, added in the order of `order`, a postfix program:
    /// k ≥ 0 pushes term k, −1 adds the top two entries. Row r of term k is `rowsOf[k·rows + r]`
    /// (a strided operand, a broadcast row, or a table row looked up in place); `y` is dense. The
    /// order is the traced chain's, so a folded `(a + b) + (c + d)` gives the bits its three adds
    /// gave. Each add runs over one row while it is in L1; a chain of adds (an LSTM's
    /// `x·W_ih + b_ih + h·W_hh + b_hh`) was n − 1 passes over all rows, each writing an
    /// intermediate of its own.
    static func sum(_ rowsOf: UnsafePointer<UnsafePointer<Float>>, count n: Int, order: UnsafePointer<Int>, orderCount: Int,
                    _ y: UnsafeMutablePointer<Float>, rows: Int, width w: Int) {
        withUnsafeTemporaryAllocation(of: UnsafePointer<Float>.self, capacity: n) { stack in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: max(1, n * w)) { scratch in
                let scratch = scratch.baseAddress!
                for r in 0..<rows {
                    var depth = 0
                    for i in 0..<orderCount {
                        let code = order[i]
                        if code >= 0 {
                            stack[depth] = rowsOf[code * rows + r]
                            depth += 1
                            continue
                        }
                        let a = stack[depth - 2], b = stack[depth - 1]
                        // An intermediate sum takes the scratch row of its stack position.
                        let o = i == orderCount - 1 ? y + r * w : scratch + (depth - 2) * w
                        var j = 0
                        while j + 16 <= w { store(load(a + j) + load(b + j), o + j); j += 16 }
                        while j < w { o[j] = a[j] + b[j]; j += 1 }
                        stack[depth - 2] = UnsafePointer(o)
                        depth -= 1
                    }
                }
            }
        }
    }

    /// `dst[r] += src[r]` for `rows` rows of `width`, each with its own stride.
    static func accumulate(_ src: UnsafePointer<Float>, _ ss: Int, _ dst: UnsafeMutablePointer<Float>, _ ds: Int,
                           rows: Int, width w: Int) {
        for r in 0..<rows {
            let s = src + r * ss, d = dst + r * ds
            var j = 0
            while j + 16 <= w { store(load(d + j) + load(s + j), d + j); j += 16 }
            while j < w { d[j] += s[j]; j += 1 }
        }
    }
}
