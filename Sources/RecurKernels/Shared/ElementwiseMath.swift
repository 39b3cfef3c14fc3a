/// The element-wise approximations of ``Kernels`` (RecurCore) on 16 lanes, in one source compiled
/// three times: by RecurCore for the baseline x86-64 (where a `SIMD16<Float>` is four SSE
/// registers) and by RecurKernelsAVX512 / RecurKernelsAVX2 (one zmm, two ymm). Every step is
/// a single IEEE operation (no fused multiply–add), so the three builds give the same bits;
/// the wide ones are 2–4× faster (tanh on 512 floats: 350 ns baseline, 165 ns AVX2, 86 ns
/// AVX-512 on the EPYC of docs/engine-notes.md).
@usableFromInline
enum ElementwiseMath {
    @usableFromInline typealias V = SIMD16<Float>

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
    static func tanh(_ v: V) -> V {
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

    /// σ(x) = ½ + ½·tanh(x/2): one kernel, and the error halves (≤ 1.7e-7).
    @inlinable @inline(__always)
    static func sigmoid(_ v: V) -> V { 0.5 + 0.5 * tanh(0.5 * v) }

    // Cephes expf: exp(x) = 2^n · exp(r), r = x − n·ln2 split in two parts for accuracy,
    // exp(r) by a degree-6 polynomial (relative error ≈ 1 ulp).
    @inlinable @inline(__always)
    static func exp(_ v: V) -> V {
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

    /// Applies `f` lane-wise over `count` elements; the tail runs through a zero-padded vector.
    @inlinable @inline(__always)
    static func map(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int, _ f: (V) -> V) {
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

    /// `dst = f(a + b)` lane-wise over `count` elements, the sum formed in the vector (one pass
    /// where an add pass and ``map(_:_:_:_:)`` took two); the tail as in ``map(_:_:_:_:)``, so each
    /// element gets the bits of that pair of passes.
    @inlinable @inline(__always)
    static func mapSum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int,
                       _ f: (V) -> V) {
        var i = 0
        while i + 16 <= count {
            let v = UnsafeRawPointer(a + i).loadUnaligned(as: V.self) + UnsafeRawPointer(b + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: f(v), as: V.self)
            i += 16
        }
        if i < count {
            var v = V()
            for j in 0..<(count - i) { v[j] = a[i + j] + b[i + j] }
            let r = f(v)
            for j in 0..<(count - i) { dst[i + j] = r[j] }
        }
    }

    /// dst = a + b; `dst` may be `a` or `b` (each vector is loaded before it is stored).
    @inlinable @inline(__always)
    static func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count {
            let s = UnsafeRawPointer(a + i).loadUnaligned(as: V.self) + UnsafeRawPointer(b + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: s, as: V.self)
            i += 16
        }
        while i < count { dst[i] = a[i] + b[i]; i += 1 }
    }
}

/// Unaligned loads and stores of 16 floats for the kernel enums compiled from this folder
/// (``LSTMGates``, ``OptimizerMath``, ``StepMath``): one definition they share by conforming.
@usableFromInline
protocol SixteenLanes {}

extension SixteenLanes {
    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self) }
    @inline(__always) static func load(_ p: UnsafeMutablePointer<Float>) -> SIMD16<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self) }
    @inline(__always) static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }
}
