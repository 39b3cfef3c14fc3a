import Foundation
import RecurKit

/// Read bandwidth of one core: the denominator of the bandwidth bound of `recur bench sample`,
/// where a batch-1 step must read every weight once. Measured with the resident product's own
/// registers (``ResidentKernel/sum(_:bytes:)``): the baseline build's SIMD16 sum is four SSE
/// loads per 64 bytes and measured less than the AVX-512 products themselves achieve.
enum MemoryBandwidth {
    /// Bytes per second of the best of `repetitions` passes over `bytes` (after one warm-up
    /// pass), each pass at least `minimumBytes` read (small buffers are swept several times).
    /// A buffer the size of the weights measures the level of the cache hierarchy they live in
    /// (L3 for a few MB to 32 MB on the 2-vCPU EPYC); 1 GiB measures DRAM.
    static func measure(bytes: Int, kernel: ResidentKernel = .current, minimumBytes: Int = 1 << 30, repetitions: Int = 5) -> Double {
        let size = max(bytes / 256, 1) * 256
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: Float.self, repeating: 1, count: size / 4)
        let sweeps = max(1, minimumBytes / size)
        var best = Double.infinity
        var sink: Float = 0
        for repetition in 0...repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            for sweep in 0..<sweeps {
                // A store per sweep: without it the sum of an unchanged buffer is loop-invariant
                // and LLVM hoists the call out of the loop (measured: 5.6 TB/s).
                buffer.storeBytes(of: Float(sweep & 1), as: Float.self)
                sink += kernel.sum(buffer, bytes: size)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if repetition > 0 { best = min(best, seconds / Double(sweeps)) }
        }
        // Keeps the sums observable, so the optimiser cannot drop the loop.
        if sink == -1 { print("") }
        return Double(size) / best
    }
}
