/// Copies (and sums) between the strided rows of a sweep's big buffers (`h` history, ∂h, the gate
/// pre-activations, each row `H` or `G·H` long) and a worker's packed tile (rows `u` wide), for
/// RecurKit's fused sweep.
///
/// RecurKit is built for the baseline x86-64, where a 16-float copy is four SSE moves; perf put
/// those copies at a tenth of a small LSTM's training step. Here they are one zmm (or two ymm)
/// load and store each.
public enum RowCopy: SixteenLanes {
    /// For each `r` in `0..<rows`: `target[r·targetStride + j] = source[r·sourceStride + j]` for
    /// `j < count`, then `0` for `count ≤ j < width` (the tile's padding past the last unit).
    @inline(__always)
    public static func copy(rows: Int, from source: UnsafePointer<Float>, stride sourceStride: Int, count: Int,
                            into target: UnsafeMutablePointer<Float>, stride targetStride: Int, width: Int) {
        for r in 0..<rows {
            let s = source + r * sourceStride, t = target + r * targetStride
            var j = 0
            while j + 16 <= count {
                store(load(s + j), t + j)
                j += 16
            }
            while j < count { t[j] = s[j]; j += 1 }
            while j < width { t[j] = 0; j += 1 }
        }
    }

    /// `target[r·targetStride + j] += source[r·sourceStride + j]` for `r < rows`, `j < count`.
    @inline(__always)
    public static func accumulate(rows: Int, from source: UnsafePointer<Float>, stride sourceStride: Int, count: Int,
                                  into target: UnsafeMutablePointer<Float>, stride targetStride: Int) {
        for r in 0..<rows {
            let s = source + r * sourceStride, t = target + r * targetStride
            var j = 0
            while j + 16 <= count {
                store(load(t + j) + load(s + j), t + j)
                j += 16
            }
            while j < count { t[j] += s[j]; j += 1 }
        }
    }

    /// `target[r·stride + j] = 0` for `r < rows`, `j < count`.
    @inline(__always)
    public static func zero(rows: Int, into target: UnsafeMutablePointer<Float>, stride: Int, count: Int) {
        for r in 0..<rows {
            let t = target + r * stride
            var j = 0
            while j + 16 <= count {
                store(SIMD16<Float>(), t + j)
                j += 16
            }
            while j < count { t[j] = 0; j += 1 }
        }
    }
}
