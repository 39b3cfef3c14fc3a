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

    public static func accumulateRowSum(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        OptimizerMath.accumulateRowSum(src, into: dst, rows: rows, columns: columns)
    }
}
