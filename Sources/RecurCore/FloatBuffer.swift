/// A fixed-size heap buffer of floats with a stable address, for hand-written kernels that hold
/// several buffers at once (Swift's exclusivity rules forbid nesting `withUnsafe…` on elements
/// of one array). Its contents start undefined: every user overwrites a buffer before reading
/// it, so a zero fill would be wasted. Freed with the object — so a caller that uses `pointer`
/// must keep the object alive (`withExtendedLifetime`) until it is done.
public final class FloatBuffer {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    public init(uninitializedCount count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
    }

    /// A buffer of `count` zeros, for sums that accumulate into it.
    public convenience init(zeros count: Int) {
        self.init(uninitializedCount: count)
        pointer.update(repeating: 0, count: count)
    }

    deinit { pointer.deallocate() }

    /// A tensor holding a copy of `length` elements from `offset`.
    public func tensor(_ shape: [Int], offset: Int = 0) -> Tensor {
        Tensor.make(shape) { $0.update(from: pointer + offset, count: shape.reduce(1, *)) }
    }
}
