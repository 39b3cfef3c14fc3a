import RecurKernelsAVX2
import RecurKernelsAVX512

/// The element-wise loops of a compiled step (RecurKit's `StepProgram`) in the ``Kernels/Build``
/// this CPU runs (``StepMath``; the builds give the same bits). Rows are `width` floats apart in
/// the result and the incoming gradient, and `sa`, `sb`, `sx` apart in each operand (0: one row
/// broadcast over the batch); an operand's gradient has the operand's stride.
public enum StepKernels {
    /// Binary ops, `y = a ∘ b`.
    public enum Binary: Int, Sendable { case add, sub, mul, div }
    /// Unary ops, `y = f(x)`; the scalar `s` is for scale (`x·s`), addScalar (`x + s`) and
    /// rsubScalar (`s − x`).
    public enum Unary: Int, Sendable { case scale, addScalar, rsubScalar, relu, tanh, sigmoid, exp }

    public static func binary(_ op: Binary, _ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
                              into y: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        switch Kernels.Build.current {
        case .avx512: RecurKernelsAVX512.StepKernels.binary(op.rawValue, a, sa, b, sb, y, rows: rows, width: width)
        case .avx2: RecurKernelsAVX2.StepKernels.binary(op.rawValue, a, sa, b, sb, y, rows: rows, width: width)
        case .baseline: StepMath.binary(op.rawValue, a, sa, b, sb, y, rows: rows, width: width)
        }
    }

    public static func unary(_ op: Unary, _ s: Float, _ x: UnsafePointer<Float>, _ sx: Int, into y: UnsafeMutablePointer<Float>,
                             rows: Int, width: Int) {
        switch Kernels.Build.current {
        case .avx512: RecurKernelsAVX512.StepKernels.unary(op.rawValue, s, x, sx, y, rows: rows, width: width)
        case .avx2: RecurKernelsAVX2.StepKernels.unary(op.rawValue, s, x, sx, y, rows: rows, width: width)
        case .baseline: StepMath.unary(op.rawValue, s, x, sx, y, rows: rows, width: width)
        }
    }

    /// Adds ∂a = ∂y·∂(a∘b)/∂a into `da` and ∂b likewise into `db`, given `g` = ∂y.
    public static func binaryBackward(_ op: Binary, _ g: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ sa: Int,
                                      _ b: UnsafePointer<Float>, _ sb: Int,
                                      _ da: UnsafeMutablePointer<Float>, _ db: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        switch Kernels.Build.current {
        case .avx512: RecurKernelsAVX512.StepKernels.binaryBackward(op.rawValue, g, a, sa, b, sb, da, db, rows: rows, width: width)
        case .avx2: RecurKernelsAVX2.StepKernels.binaryBackward(op.rawValue, g, a, sa, b, sb, da, db, rows: rows, width: width)
        case .baseline: StepMath.binaryBackward(op.rawValue, g, a, sa, b, sb, da, db, rows: rows, width: width)
        }
    }

    /// Adds ∂x = ∂y·f′ into `dx`, given `g` = ∂y, the input `x` and the output `y` (dense).
    public static func unaryBackward(_ op: Unary, _ s: Float, _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ sx: Int,
                                     output y: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        switch Kernels.Build.current {
        case .avx512: RecurKernelsAVX512.StepKernels.unaryBackward(op.rawValue, s, g, x, sx, y, dx, rows: rows, width: width)
        case .avx2: RecurKernelsAVX2.StepKernels.unaryBackward(op.rawValue, s, g, x, sx, y, dx, rows: rows, width: width)
        case .baseline: StepMath.unaryBackward(op.rawValue, s, g, x, sx, y, dx, rows: rows, width: width)
        }
    }

    /// `y = Σ terms` row by row, added in the order of the postfix program `order` (k ≥ 0
    /// pushes term k, −1 adds the top two); row r of term k is `rowsOf[k·rows + r]`.
    public static func sum(_ rowsOf: UnsafePointer<UnsafePointer<Float>>, count: Int, order: UnsafePointer<Int>, orderCount: Int,
                           into y: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        precondition(count >= 2 && orderCount == 2 * count - 1, "StepKernels.sum: \(count) terms, an order of \(orderCount)")
        switch Kernels.Build.current {
        case .avx512: RecurKernelsAVX512.StepKernels.sum(rowsOf, count: count, order: order, orderCount: orderCount, y, rows: rows, width: width)
        case .avx2: RecurKernelsAVX2.StepKernels.sum(rowsOf, count: count, order: order, orderCount: orderCount, y, rows: rows, width: width)
        case .baseline: StepMath.sum(rowsOf, count: count, order: order, orderCount: orderCount, y, rows: rows, width: width)
        }
    }

    /// `dst[r] += src[r]` over `rows` rows of `width`.
    public static func accumulate(_ src: UnsafePointer<Float>, _ ss: Int, into dst: UnsafeMutablePointer<Float>, _ ds: Int,
                                  rows: Int, width: Int) {
        switch Kernels.Build.current {
        case .avx512: RecurKernelsAVX512.StepKernels.accumulate(src, ss, dst, ds, rows: rows, width: width)
        case .avx2: RecurKernelsAVX2.StepKernels.accumulate(src, ss, dst, ds, rows: rows, width: width)
        case .baseline: StepMath.accumulate(src, ss, dst, ds, rows: rows, width: width)
        }
    }
}
