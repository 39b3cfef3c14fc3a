/// The buffer kernels of ``ElementwiseMath`` for RecurCore's ``Kernels`` to call when the CPU
/// runs this module's instruction set.
public enum Elementwise {
    public static func tanh(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        ElementwiseMath.map(src, dst, count) { ElementwiseMath.tanh($0) }
    }

    public static func sigmoid(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        ElementwiseMath.map(src, dst, count) { ElementwiseMath.sigmoid($0) }
    }

    public static func exp(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        ElementwiseMath.map(src, dst, count) { ElementwiseMath.exp($0) }
    }

    public static func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        ElementwiseMath.add(a, b, into: dst, count: count)
    }

    public static func tanhOfSum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        ElementwiseMath.mapSum(a, b, dst, count) { ElementwiseMath.tanh($0) }
    }

    public static func sigmoidOfSum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>,
                                    count: Int) {
        ElementwiseMath.mapSum(a, b, dst, count) { ElementwiseMath.sigmoid($0) }
    }

    public static func logSoftmax(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        RowSoftmax.logSoftmax(x, y, rows: rows, columns: columns)
    }
}

/// The kernels of ``OptimizerMath`` for RecurCore's ``Kernels`` to call when the CPU runs this
/// module's instruction set.
public enum OptimizerKernels {
    public static func adam(gradient: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
                            weight: UnsafeMutablePointer<Float>, count: Int,
                            beta1: Float, beta2: Float, stepSize: Float, root2: Float, epsilon: Float) {
        OptimizerMath.adam(gradient: gradient, m: m, v: v, weight: weight, count: count, beta1: beta1, beta2: beta2,
                           stepSize: stepSize, root2: root2, epsilon: epsilon)
    }

    public static func addRow(_ row: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        OptimizerMath.addRow(row, into: dst, rows: rows, columns: columns)
    }

    public static func accumulateRowSum(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
                                        stride: Int) {
        OptimizerMath.accumulateRowSum(src, into: dst, rows: rows, columns: columns, stride: stride)
    }
}

/// The loops of ``StepMath`` for RecurCore's ``Kernels`` to call when the CPU runs this module's
/// instruction set. `op` is one of StepMath's codes.
public enum StepKernels {
    public static func binary(_ op: Int, _ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
                              _ y: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        StepMath.binary(op, a, sa, b, sb, y, rows: rows, width: width)
    }

    public static func unary(_ op: Int, _ s: Float, _ x: UnsafePointer<Float>, _ sx: Int, _ y: UnsafeMutablePointer<Float>,
                             rows: Int, width: Int) {
        StepMath.unary(op, s, x, sx, y, rows: rows, width: width)
    }

    public static func binaryBackward(_ op: Int, _ g: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ sa: Int,
                                      _ b: UnsafePointer<Float>, _ sb: Int,
                                      _ da: UnsafeMutablePointer<Float>, _ db: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        StepMath.binaryBackward(op, g, a, sa, b, sb, da, db, rows: rows, width: width)
    }

    public static func unaryBackward(_ op: Int, _ s: Float, _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ sx: Int,
                                     _ y: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        StepMath.unaryBackward(op, s, g, x, sx, y, dx, rows: rows, width: width)
    }

    public static func sum(_ rowsOf: UnsafePointer<UnsafePointer<Float>>, count: Int, order: UnsafePointer<Int>, orderCount: Int,
                           _ y: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        StepMath.sum(rowsOf, count: count, order: order, orderCount: orderCount, y, rows: rows, width: width)
    }

    public static func accumulate(_ src: UnsafePointer<Float>, _ ss: Int, _ dst: UnsafeMutablePointer<Float>, _ ds: Int,
                                  rows: Int, width: Int) {
        StepMath.accumulate(src, ss, dst, ds, rows: rows, width: width)
    }
}
