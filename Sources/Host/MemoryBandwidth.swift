import Foundation
import RecurKit

/// Read bandwidth of one core (or of `threads` cores, each reading its half): the denominator of the bandwidth bound of `recur bench sample`,
/// where a batch-1 step must read every weight once. Measured with the resident product's own
/// registers (``ResidentKernel/sum(_:bytes:)``): the baseline build's SIMD16 sum is four SSE
/// loads per 64 bytes and measured less than the AVX-512 products themselves achieve.
///
/// A buffer the size of the weights measures the level of the cache hierarchy they stay in
/// between characters (L3 for a few MB to 32 MB on the 2-vCPU EPYC); 1 GiB measures DRAM.
///
/// Given another `sum` (a product's decoding, ``ResidentKernel/decoder(for:)``), the rate is
/// that sum's ceiling, held by the memory or by its instructions, whichever is slower.
final class MemoryBandwidth {
    let size: Int
    let sum: @Sendable (UnsafeRawPointer, Int) -> Float
    let threads: Int
    let buffer: UnsafeMutableRawPointer
    /// The best bytes per second seen so far.
    private(set) var best = 0.0
    private var sink: Float = 0

    /// The plain read with `kernel`'s registers (``ResidentKernel/sum(_:bytes:)``).
    convenience init(bytes: Int, kernel: ResidentKernel = .current, threads: Int = 1) {
        self.init(bytes: bytes, threads: threads) { kernel.sum($0, bytes: $1) }
    }

    /// `sum(p, bytes)` over the buffer (`p` 64-byte aligned, `bytes` a multiple of 256).
    init(bytes: Int, threads: Int = 1, sum: @escaping @Sendable (UnsafeRawPointer, Int) -> Float) {
        self.sum = sum
        self.threads = max(1, threads)
        size = max(bytes / (256 * self.threads), 1) * 256 * self.threads
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
            if threads == 1 {
                sink += Self.sweep(buffer, bytes: size, count: sweeps, sum: sum)
            } else {
                // One dispatch for all sweeps, each thread its own slice, as the workers of a
                // step each read their own rows.
                // Addresses as integers: the closure is @Sendable and pointers are not.
                let (slice, sum) = (size / threads, sum)
                let sums = UnsafeMutablePointer<Float>.allocate(capacity: threads)
                let (base, sumsAddress) = (Int(bitPattern: buffer), Int(bitPattern: sums))
                DispatchQueue.concurrentPerform(iterations: threads) { t in
                    let p = UnsafeMutableRawPointer(bitPattern: base + t * slice)!
                    UnsafeMutablePointer<Float>(bitPattern: sumsAddress)![t] = Self.sweep(p, bytes: slice, count: sweeps, sum: sum)
                }
                for t in 0..<threads { sink += sums[t] }
                sums.deallocate()
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if repetition > 0 { best = max(best, Double(size * sweeps) / seconds) }
        }
        return best
    }

    private static func sweep(_ p: UnsafeMutableRawPointer, bytes: Int, count: Int,
                              sum: (UnsafeRawPointer, Int) -> Float) -> Float {
        var total: Float = 0
        for sweep in 0..<count {
            // A store per sweep: without it the sum of an unchanged buffer is loop-invariant
            // and LLVM hoists the call out of the loop (measured: 5.6 TB/s).
            p.storeBytes(of: Float(sweep & 1), as: Float.self)
            total += sum(p, bytes)
        }
        return total
    }
}
