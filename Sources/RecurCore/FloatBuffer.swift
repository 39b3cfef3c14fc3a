/// A fixed-size heap buffer of floats with a stable address, for hand-written kernels that hold
/// several buffers at once (Swift's exclusivity rules forbid nesting `withUnsafe…` on elements
/// of one array). Its contents start undefined: every user overwrites a buffer before reading
/// it, so a zero fill would be wasted. Freed with the object — so a caller that uses `pointer`
/// must keep the object alive (`withExtendedLifetime`) until it is done.
///
/// Buffers start on a 64-byte line and take whole lines: two threads that each write their own
/// buffer (the resident step's workers, a team's partial sums) never share a line through a
/// neighbour's tail.
public final class FloatBuffer {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    public init(uninitializedCount count: Int) {
        self.count = count
        let bytes = (max(count, 1) * MemoryLayout<Float>.stride + 63) / 64 * 64
        pointer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64).bindMemory(to: Float.self, capacity: bytes / 4)
    }

    /// A buffer of `count` zeros, for sums that accumulate into it.
    public convenience init(zeros count: Int) {
        self.init(uninitializedCount: count)
        pointer.update(repeating: 0, count: count)
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    /// A tensor holding a copy of `length` elements from `offset`.
    public func tensor(_ shape: [Int], offset: Int = 0) -> Tensor {
        Tensor.make(shape) { $0.update(from: pointer + offset, count: shape.reduce(1, *)) }
    }
}
