/// A dense `Float` array of rank 0 or more, stored contiguously in row-major order.
///
/// `Tensor` is a value type with copy-on-write storage; the autodiff graph (``Variable``) wraps it.
/// Shapes are written in the docs with letters: `[T, B, X]` is time-major (time, batch, features).
public struct Tensor: Sendable, Equatable {
    /// Extent of each axis; `[]` is a scalar.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public var scalars: [Float]

    /// A tensor with the given shape and elements. Stops when the element count does not fit the shape.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        precondition(scalars.count == shape.reduce(1, *),
                     "Tensor: \(scalars.count) scalars do not fill shape \(shape) (\(shape.reduce(1, *)) needed)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of the given shape filled with `value`.
    public init(shape: [Int], repeating value: Float) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A zero tensor of the given shape.
    public init(zeros shape: [Int]) { self.init(shape: shape, repeating: 0) }

    /// A rank-0 tensor.
    public init(scalar: Float) { self.init(shape: [], scalars: [scalar]) }

    public var rank: Int { shape.count }
    public var count: Int { scalars.count }

    /// The only element of a one-element tensor.
    public var scalar: Float {
        precondition(count == 1, "Tensor.scalar: shape \(shape) holds \(count) elements, not 1")
        return scalars[0]
    }

    /// The same elements under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count, "reshape: shape \(shape) cannot become \(newShape)")
        return Tensor(shape: newShape, scalars: scalars)
    }

    /// Element at a multi-index (slow; for tests and printing).
    public subscript(_ index: Int...) -> Float {
        get { scalars[flatIndex(index)] }
        set { scalars[flatIndex(index)] = newValue }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == rank, "Tensor: index \(index) does not match shape \(shape)")
        var flat = 0
        for (i, extent) in zip(index, shape) {
            precondition(i >= 0 && i < extent, "Tensor: index \(index) out of range for shape \(shape)")
            flat = flat * extent + i
        }
        return flat
    }
}

extension Tensor {
    /// Stops with a message naming both shapes when they differ.
    @inlinable
    public static func checkSameShape(_ a: Tensor, _ b: Tensor, _ op: String) {
        precondition(a.shape == b.shape, "\(op): shapes \(a.shape) and \(b.shape) do not match")
    }

    /// Largest absolute element-wise difference (for tests and conformance checks).
    public func maxAbsDifference(_ other: Tensor) -> Float {
        Tensor.checkSameShape(self, other, "maxAbsDifference")
        var worst: Float = 0
        for i in 0..<count { worst = Swift.max(worst, abs(scalars[i] - other.scalars[i])) }
        return worst
    }

    /// Whether every element is within `atol + rtol * |other|` of `other`.
    public func isClose(to other: Tensor, rtol: Float = 1e-5, atol: Float = 1e-6) -> Bool {
        guard shape == other.shape else { return false }
        for i in 0..<count where abs(scalars[i] - other.scalars[i]) > atol + rtol * abs(other.scalars[i]) {
            return false
        }
        return true
    }

    /// Whether every element is finite.
    public var isFinite: Bool { scalars.allSatisfy { $0.isFinite } }
}

extension Tensor {
    @usableFromInline nonisolated(unsafe) static let emptyStorage = UnsafeMutablePointer<Float>.allocate(capacity: 16)

    /// Read access to the elements as one pointer (valid only inside `body`).
    @inlinable
    public func withPointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer { try body($0.baseAddress ?? UnsafePointer(Tensor.emptyStorage)) }
    }

    /// Write access to the elements as one pointer (valid only inside `body`).
    @inlinable
    public mutating func withMutablePointer<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer { try body($0.baseAddress ?? Tensor.emptyStorage) }
    }

    /// A tensor whose every element `fill` writes (the storage starts uninitialised).
    @inlinable
    public static func make(_ shape: [Int], _ fill: (UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        let n = shape.reduce(1, *)
        let scalars = [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
            fill(buffer.baseAddress ?? Tensor.emptyStorage)
            initialized = n
        }
        return Tensor(shape: shape, scalars: scalars)
    }
}
