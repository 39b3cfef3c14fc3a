import Foundation
import RecurKit

/// Read bandwidth of one core: the denominator of the bandwidth bound of `recur bench sample`,
/// where a batch-1 step must read every weight once. Measured with the resident product's own
/// registers (``ResidentKernel/sum(_:bytes:)``): the baseline build's SIMD16 sum is four SSE
/// loads per 64 bytes and measured less than the AVX-512 products themselves achieve.
///
/// A buffer the size of the weights measures the level of the cache hierarchy they stay in
/// between characters (L3 for a few MB to 32 MB on the 2-vCPU EPYC); 1 GiB measures DRAM.
final class MemoryBandwidth {
    let size: Int
    let kernel: ResidentKernel
    let buffer: UnsafeMutableRawPointer
    /// The best bytes per second seen so far.
    private(set) var best = 0.0
    private var sink: Float = 0

    init(bytes: Int, kernel: ResidentKernel = .current) {
        size = max(bytes / 256, 1) * 256
        self.kernel = kernel
        buffer = .allocate(byteCount: size, alignment: 64)
        buffer.initializeMemory(as: Float.self, repeating: 1, count: size / 4)
    }

    deinit {
        buffer.deallocate()
        // Keeps the sums observable, so the optimiser cannot drop the loop.
        if sink == -1 { print("") }
    }

    /// One warm-up pass, then `repetitions` timed passes of at least `minimumBytes` each (small
    /// buffers are swept several times); keeps the best. Called between timed runs, so a burst
    /// of load from another process hits the bound and the speed alike.
    @discardableResult
    func measure(minimumBytes: Int = 1 << 28, repetitions: Int = 3) -> Double {
        let sweeps = max(1, minimumBytes / size)
        for repetition in 0...repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            for sweep in 0..<sweeps {
                // A store per sweep: without it the sum of an unchanged buffer is loop-invariant
                // and LLVM hoists the call out of the loop (measured: 5.6 TB/s).
                buffer.storeBytes(of: Float(sweep & 1), as: Float.self)
                sink += kernel.sum(buffer, bytes: size)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if repetition > 0 { best = max(best, Double(size * sweeps) / seconds) }
        }
        return best
    }
}
