extension Tensor {
    /// Index of the largest element along `axis` (the first on ties, as NumPy and PyTorch), for
    /// every position of the other axes: `[B, V].argmax(axis: -1)` holds B indices in `0..<V`,
    /// row-major over the remaining axes. A choice, not a function with a derivative: it
    /// records nothing on the tape.
    public func argmax(axis: Int = -1) -> [Int] {
        let ax = axis < 0 ? axis + rank : axis
        precondition(ax >= 0 && ax < rank, "argmax: axis \(axis) out of range for shape \(shape)")
        let outer = shape[..<ax].reduce(1, *), extent = shape[ax], inner = shape[(ax + 1)...].reduce(1, *)
        precondition(extent > 0, "argmax: axis \(axis) of shape \(shape) is empty")
        var best = [Int](repeating: 0, count: outer * inner)
        withPointer { x in
            for i in 0..<outer {
                for j in 0..<inner {
                    let base = x + i * extent * inner + j
                    var top = 0
                    for e in 1..<extent where base[e * inner] > base[top * inner] { top = e }
                    best[i * inner + j] = top
                }
            }
        }
        return best
    }
}
