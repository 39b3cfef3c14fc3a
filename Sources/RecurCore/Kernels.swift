/// Element-wise kernels over raw buffers: no allocation, no bounds checks, 16 lanes at a time.
///
/// Measured here (docs/engine-notes.md, "Element-wise kernels"): a concrete `SIMD16<Float>` rational tanh runs 20x faster than
/// libm `tanhf` in a loop and 60x faster than `[Float].map`. Generic `<V: SIMD>` helpers and
/// `clamped`/`pointwiseMin` are scalarised by the compiler, so this file avoids both on purpose.
public enum Kernels {
    public typealias V = SIMD16<Float>

    // Eigen's rational approximation of tanh on [-7.9053, 7.9053] (max abs error 3.4e-7 in
    // float32, checked in the tests against Double tanh); outside that range tanh rounds to ±1.
    @usableFromInline static let tanhClamp: Float = 7.90531110763549805
    @usableFromInline static let a1: Float = 4.89352455891786e-03, a3: Float = 6.37261928875436e-04
    @usableFromInline static let a5: Float = 1.48572235717979e-05, a7: Float = 5.12229709037114e-08
    @usableFromInline static let a9: Float = -8.60467152213735e-11, a11: Float = 2.00018790482477e-13
    @usableFromInline static let a13: Float = -2.76076847742355e-16
    @usableFromInline static let b0: Float = 4.89352518554385e-03, b2: Float = 2.26843463243900e-03
    @usableFromInline static let b4: Float = 1.18534705686654e-04, b6: Float = 1.19825839466702e-06

    @inlinable @inline(__always)
    public static func tanh(_ v: V) -> V {
        var x = v
        x.replace(with: V(repeating: tanhClamp), where: x .> tanhClamp)
        x.replace(with: V(repeating: -tanhClamp), where: x .< -tanhClamp)
        let x2 = x * x
        var p = x2 * a13 + a11
        p = p * x2 + a9; p = p * x2 + a7; p = p * x2 + a5; p = p * x2 + a3; p = p * x2 + a1
        p = p * x
        var q = x2 * b6 + b4
        q = q * x2 + b2; q = q * x2 + b0
        return p / q
    }

    @inlinable @inline(__always)
    public static func tanh(_ x: Float) -> Float { tanh(V(repeating: x))[0] }

    /// σ(x) = ½ + ½·tanh(x/2): one kernel, and the error halves (≤ 1.7e-7).
    @inlinable @inline(__always)
    public static func sigmoid(_ v: V) -> V { 0.5 + 0.5 * tanh(0.5 * v) }

    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { 0.5 + 0.5 * tanh(0.5 * x) }

    // Cephes expf: exp(x) = 2^n · exp(r), r = x − n·ln2 split in two parts for accuracy,
    // exp(r) by a degree-6 polynomial (relative error ≈ 1 ulp).
    @inlinable @inline(__always)
    public static func exp(_ v: V) -> V {
        var x = v
        x.replace(with: V(repeating: 88.3762626647949), where: x .> 88.3762626647949)
        x.replace(with: V(repeating: -87.3365478515625), where: x .< -87.3365478515625)
        // Adding 1.5·2^23 rounds to the nearest integer in the low mantissa bits.
        let magic: Float = 12582912
        let shifted = x * 1.44269504088896341 + magic
        let n = shifted - magic
        let r = x - n * 0.693359375 + n * 2.12194440e-4
        var p = r * 1.9875691500e-4 + 1.3981999507e-3
        p = p * r + 8.3334519073e-3; p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1; p = p * r + 5.0000001201e-1
        let er = p * r * r + r + 1
        let bits = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((bits &+ 127) &<< 23, to: V.self)
        return er * scale
    }

    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float { exp(V(repeating: x))[0] }

    /// Applies `f` lane-wise over `count` elements; the tail runs through a zero-padded vector.
    @inlinable @inline(__always)
    public static func map(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int,
                           _ f: (V) -> V) {
        var i = 0
        while i + 16 <= count {
            let v = UnsafeRawPointer(src + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: f(v), as: V.self)
            i += 16
        }
        if i < count {
            var v = V()
            for j in 0..<(count - i) { v[j] = src[i + j] }
            let r = f(v)
            for j in 0..<(count - i) { dst[i + j] = r[j] }
        }
    }

    public static func tanh(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        map(src, dst, count) { tanh($0) }
    }

    public static func sigmoid(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        map(src, dst, count) { sigmoid($0) }
    }

    public static func exp(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        map(src, dst, count) { exp($0) }
    }

    public static func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                           into dst: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dst[i] = a[i] + b[i] }
    }

    /// dst += alpha · src
    public static func addScaled(_ src: UnsafePointer<Float>, _ alpha: Float,
                                 into dst: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dst[i] += alpha * src[i] }
    }

    /// Adds a row of `columns` values to each of `rows` rows of `dst` (bias broadcast).
    public static func addRow(_ row: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>,
                              rows: Int, columns: Int) {
        for r in 0..<rows {
            let d = dst + r * columns
            for c in 0..<columns { d[c] += row[c] }
        }
    }

    /// Sums the rows of a `rows × columns` matrix into `dst` (accumulating): the bias gradient.
    public static func accumulateRowSum(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>,
                                        rows: Int, columns: Int) {
        for r in 0..<rows {
            let s = src + r * columns
            for c in 0..<columns { dst[c] += s[c] }
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
