import Glibc

/// Log-softmax over rows, in one source compiled like ``ElementwiseMath`` (RecurCore's baseline
/// build, RecurKernelsAVX512, RecurKernelsAVX2).
///
/// `y_j = x_j − m − log Σ_i e^(x_i − m)` with `m = max_i x_i`. The maximum and the sum run in 16
/// lanes (lane l takes columns l, l + 16, …; the tail's missing columns count as −∞ and 0), and
/// the lanes fold in halves in a fixed order, so every build gives the same bits. Row by row with
/// scalar max and sum chains this was 3% of a character LSTM's training step (65 columns, perf).
@usableFromInline
enum RowSoftmax: SixteenLanes {
    typealias V = SIMD16<Float>

    static func logSoftmax(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, columns n: Int) {
        let full = n - n % 16, rest = n - full
        let missing = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) .>= Int32(rest)
        for r in 0..<rows {
            let src = x + r * n, dst = y + r * n
            // Written through memory: a lane store at a variable index spills the vector per lane.
            var tail = V(repeating: -.infinity)
            withUnsafeMutableBytes(of: &tail) { ($0.baseAddress!.assumingMemoryBound(to: Float.self)).update(from: src + full, count: rest) }
            var most = tail
            var j = 0
            while j < full {
                let v = load(src + j)
                most.replace(with: v, where: v .> most)
                j += 16
            }
            let m = maximum(most)
            let shift = V(repeating: m)
            var lanes = V()
            j = 0
            while j < full { lanes += ElementwiseMath.exp(load(src + j) - shift); j += 16 }
            if rest > 0 {
                var e = ElementwiseMath.exp(tail - shift)
                e.replace(with: 0, where: missing)
                lanes += e
            }
            let logTotal = logf(sum(lanes)) + m
            let total = V(repeating: logTotal)
            j = 0
            while j < full { store(load(src + j) - total, dst + j); j += 16 }
            while j < n { dst[j] = src[j] - logTotal; j += 1 }
        }
    }

    /// The lanes' sum, folded in halves: (0…7 + 8…15), then (0…3 + 4…7), and so on.
    @inline(__always)
    static func sum(_ v: V) -> Float {
        let a = v.lowHalf + v.highHalf, b = a.lowHalf + a.highHalf, c = b.lowHalf + b.highHalf
        return c[0] + c[1]
    }

    /// The largest lane. (`pointwiseMax` is scalarised: SWIFT-NOTES.)
    @inline(__always)
    static func maximum(_ v: V) -> Float {
        var a = v.lowHalf
        a.replace(with: v.highHalf, where: v.highHalf .> a)
        var b = a.lowHalf
        b.replace(with: a.highHalf, where: a.highHalf .> b)
        return Swift.max(Swift.max(b[0], b[1]), Swift.max(b[2], b[3]))
    }
}
