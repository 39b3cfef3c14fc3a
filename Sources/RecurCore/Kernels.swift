import Foundation
import RecurKernelsAVX2
import RecurKernelsAVX512

/// Element-wise kernels over raw buffers: no allocation, no bounds checks, 16 lanes at a time.
/// The buffer forms of tanh, sigmoid, exp and add run the AVX-512 or AVX2 build of the same
/// source when the CPU has it (``Build``; 2–4× faster, the same bits).
///
/// Measured here (docs/engine-notes.md, "Element-wise kernels"): a concrete `SIMD16<Float>` rational tanh runs 20x faster than
/// libm `tanhf` in a loop and 60x faster than `[Float].map`. Generic `<V: SIMD>` helpers and
/// `clamped`/`pointwiseMin` are scalarised by the compiler, so this file avoids both on purpose.
public enum Kernels {
    public typealias V = SIMD16<Float>

    /// Which build of the buffer kernels below runs: the CPU's widest (AVX-512F, else AVX2 + FMA,
    /// else this baseline build), or the one `RECUR_MICROKERNEL=avx512|avx2|blas` names (`blas`:
    /// the baseline) when the CPU has it — the variable that picks the recurrent microkernel.
    /// The builds give the same bits (``ElementwiseMath``).
    public enum Build: String, Sendable, CaseIterable {
        case avx512, avx2, baseline

        public static func supported(cpuFlags: Set<String>) -> [Build] {
            var builds: [Build] = []
            if cpuFlags.contains("avx512f") { builds.append(.avx512) }
            if ["avx2", "fma"].allSatisfy(cpuFlags.contains) { builds.append(.avx2) }
            return builds + [.baseline]
        }

        /// The builds this CPU can run, best first (`/proc/cpuinfo` read once).
        public static let available = supported(cpuFlags: CPUKernelChoice.cpuFlags())

        public static let current: Build = {
            let supported = available
            let wanted = getenv("RECUR_MICROKERNEL").map { String(cString: $0).lowercased() }
            let named = wanted == "blas" ? Build.baseline : wanted.flatMap(Build.init(rawValue:))
            return named.flatMap { supported.contains($0) ? $0 : nil } ?? supported[0]
        }()
    }

    @inlinable @inline(__always)
    public static func tanh(_ v: V) -> V { ElementwiseMath.tanh(v) }

    @inlinable @inline(__always)
    public static func tanh(_ x: Float) -> Float { tanh(V(repeating: x))[0] }

    /// σ(x) = ½ + ½·tanh(x/2): one kernel, and the error halves (≤ 1.7e-7).
    @inlinable @inline(__always)
    public static func sigmoid(_ v: V) -> V { ElementwiseMath.sigmoid(v) }

    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { sigmoid(V(repeating: x))[0] }

    /// Cephes expf (relative error ≈ 1 ulp; ``ElementwiseMath/exp(_:)``).
    @inlinable @inline(__always)
    public static func exp(_ v: V) -> V { ElementwiseMath.exp(v) }

    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float { exp(V(repeating: x))[0] }

    /// Applies `f` lane-wise over `count` elements; the tail runs through a zero-padded vector.
    @inlinable @inline(__always)
    public static func map(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int,
                           _ f: (V) -> V) {
        ElementwiseMath.map(src, dst, count, f)
    }

    public static func tanh(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        switch Build.current {
        case .avx512: RecurKernelsAVX512.Elementwise.tanh(src, into: dst, count: count)
        case .avx2: RecurKernelsAVX2.Elementwise.tanh(src, into: dst, count: count)
        case .baseline: map(src, dst, count) { tanh($0) }
        }
    }

    public static func sigmoid(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        switch Build.current {
        case .avx512: RecurKernelsAVX512.Elementwise.sigmoid(src, into: dst, count: count)
        case .avx2: RecurKernelsAVX2.Elementwise.sigmoid(src, into: dst, count: count)
        case .baseline: map(src, dst, count) { sigmoid($0) }
        }
    }

    public static func exp(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        switch Build.current {
        case .avx512: RecurKernelsAVX512.Elementwise.exp(src, into: dst, count: count)
        case .avx2: RecurKernelsAVX2.Elementwise.exp(src, into: dst, count: count)
        case .baseline: map(src, dst, count) { exp($0) }
        }
    }

    /// Log-softmax of each of `rows` rows of `columns` floats (``RowSoftmax``; the builds give the same bits).
    public static func logSoftmax(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        switch Build.current {
        case .avx512: RecurKernelsAVX512.Elementwise.logSoftmax(x, into: y, rows: rows, columns: columns)
        case .avx2: RecurKernelsAVX2.Elementwise.logSoftmax(x, into: y, rows: rows, columns: columns)
        case .baseline: RowSoftmax.logSoftmax(x, y, rows: rows, columns: columns)
        }
    }

    /// dst = a + b; `dst` may be `a` or `b`.
    public static func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                           into dst: UnsafeMutablePointer<Float>, count: Int) {
        switch Build.current {
        case .avx512: RecurKernelsAVX512.Elementwise.add(a, b, into: dst, count: count)
        case .avx2: RecurKernelsAVX2.Elementwise.add(a, b, into: dst, count: count)
        case .baseline: ElementwiseMath.add(a, b, into: dst, count: count)
        }
    }

    /// dst = tanh(a + b): the sum formed in the loop, the bits of ``add(_:_:into:count:)`` then
    /// ``tanh(_:into:count:)`` without their second pass (a gate's gx + gh).
    public static func tanhOfSum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                 into dst: UnsafeMutablePointer<Float>, count: Int) {
        switch Build.current {
        case .avx512: RecurKernelsAVX512.Elementwise.tanhOfSum(a, b, into: dst, count: count)
        case .avx2: RecurKernelsAVX2.Elementwise.tanhOfSum(a, b, into: dst, count: count)
        case .baseline: ElementwiseMath.mapSum(a, b, dst, count) { tanh($0) }
        }
    }

    /// dst = σ(a + b), as ``tanhOfSum(_:_:into:count:)``.
    public static func sigmoidOfSum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                    into dst: UnsafeMutablePointer<Float>, count: Int) {
        switch Build.current {
        case .avx512: RecurKernelsAVX512.Elementwise.sigmoidOfSum(a, b, into: dst, count: count)
        case .avx2: RecurKernelsAVX2.Elementwise.sigmoidOfSum(a, b, into: dst, count: count)
        case .baseline: ElementwiseMath.mapSum(a, b, dst, count) { sigmoid($0) }
        }
    }

    /// dst += alpha · src
    public static func addScaled(_ src: UnsafePointer<Float>, _ alpha: Float,
                                 into dst: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dst[i] += alpha * src[i] }
    }

    /// Adds a row of `columns` values to each of `rows` rows of `dst` (bias broadcast).
    public static func addRow(_ row: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>,
                              rows: Int, columns: Int) {
        switch Build.current {
        case .avx512: RecurKernelsAVX512.OptimizerKernels.addRow(row, into: dst, rows: rows, columns: columns)
        case .avx2: RecurKernelsAVX2.OptimizerKernels.addRow(row, into: dst, rows: rows, columns: columns)
        case .baseline: OptimizerMath.addRow(row, into: dst, rows: rows, columns: columns)
        }
    }

    /// Sums the rows of a `rows × columns` matrix into `dst` (accumulating): the bias gradient.
    /// With several threads, workers own blocks of 64 columns, so every column is summed in the
    /// same order and the result has the same bits.
    public static func accumulateRowSum(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>,
                                        rows: Int, columns: Int) {
        let blocks = (columns + 63) / 64
        WorkerTeam.shared.share(blocks, minimum: max(1, elementwiseShare / max(1, rows * 64))) { part in
            let first = part.lowerBound * 64, count = min(columns, part.upperBound * 64) - first
            guard count > 0 else { return }
            let (s, d) = (src + first, dst + first)
            switch Build.current {
            case .avx512: RecurKernelsAVX512.OptimizerKernels.accumulateRowSum(s, into: d, rows: rows, columns: count, stride: columns)
            case .avx2: RecurKernelsAVX2.OptimizerKernels.accumulateRowSum(s, into: d, rows: rows, columns: count, stride: columns)
            case .baseline: OptimizerMath.accumulateRowSum(s, into: d, rows: rows, columns: count, stride: columns)
            }
        }
    }

    /// One Adam update of `count` weights (``Adam``'s formula; the builds give the same bits).
    public static func adam(gradient: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
                            weight: UnsafeMutablePointer<Float>, count: Int,
                            beta1: Float, beta2: Float, stepSize: Float, root2: Float, epsilon: Float) {
        switch Build.current {
        case .avx512:
            RecurKernelsAVX512.OptimizerKernels.adam(gradient: gradient, m: m, v: v, weight: weight, count: count, beta1: beta1,
                                                     beta2: beta2, stepSize: stepSize, root2: root2, epsilon: epsilon)
        case .avx2:
            RecurKernelsAVX2.OptimizerKernels.adam(gradient: gradient, m: m, v: v, weight: weight, count: count, beta1: beta1,
                                                   beta2: beta2, stepSize: stepSize, root2: root2, epsilon: epsilon)
        case .baseline:
            OptimizerMath.adam(gradient: gradient, m: m, v: v, weight: weight, count: count, beta1: beta1,
                               beta2: beta2, stepSize: stepSize, root2: root2, epsilon: epsilon)
        }
    }

    public static func sumOfSquares(_ src: UnsafePointer<Float>, count: Int) -> Double {
        var acc = V()
        var i = 0
        while i + 16 <= count {
            let v = UnsafeRawPointer(src + i).loadUnaligned(as: V.self)
            acc += v * v
            i += 16
        }
        var total = Double(acc.sum())
        while i < count { total += Double(src[i] * src[i]); i += 1 }
        return total
    }
}
