import Foundation

/// Read bandwidth of one core, measured as a SIMD sum over a buffer: the denominator of the
/// bandwidth bound of `recur bench sample`, where a batch-1 step must read every weight once.
enum MemoryBandwidth {
    /// Bytes per second of the best of `repetitions` passes over `bytes` (after one warm-up
    /// pass), each pass at least `minimumBytes` read (small buffers are swept several times).
    static func measure(bytes: Int, minimumBytes: Int = 1 << 30, repetitions: Int = 5) -> Double {
        typealias V = SIMD16<Float>
        let count = max(bytes / MemoryLayout<V>.stride, 4)
        let buffer = UnsafeMutablePointer<V>.allocate(capacity: count)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: V(repeating: 1), count: count)
        let sweeps = max(1, minimumBytes / (count * MemoryLayout<V>.stride))
        var best = Double.infinity
        var sink = V()
        for repetition in 0...repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<sweeps {
                // Four accumulators, so the adds overlap rather than wait on each other.
                var a = V(), b = V(), c = V(), d = V()
                var i = 0
                while i + 4 <= count {
                    a += buffer[i]; b += buffer[i + 1]; c += buffer[i + 2]; d += buffer[i + 3]
                    i += 4
                }
                sink += a + b + c + d
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if repetition > 0 { best = min(best, seconds / Double(sweeps)) }
        }
        // Keeps the sums observable, so the optimiser cannot drop the loop.
        if sink.sum() == -1 { print("") }
        return Double(count * MemoryLayout<V>.stride) / best
    }
}
