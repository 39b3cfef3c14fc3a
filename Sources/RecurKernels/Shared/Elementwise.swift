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
