/// How two shapes combine element-wise under NumPy broadcasting (right-aligned; extents equal or 1).
struct Broadcast {
    let shape: [Int]
    /// Flat index into each operand for each flat output index; `nil` when the operand already
    /// has the output shape (the common case, kept allocation-free).
    let lhsIndex: [Int]?
    let rhsIndex: [Int]?

    init(_ a: [Int], _ b: [Int], op: String) {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            precondition(pa[i] == pb[i] || pa[i] == 1 || pb[i] == 1,
                         "\(op): shapes \(a) and \(b) do not broadcast")
            out[i] = max(pa[i], pb[i])
        }
        shape = out
        lhsIndex = pa == out ? nil : Broadcast.indexMap(pa, out)
        rhsIndex = pb == out ? nil : Broadcast.indexMap(pb, out)
    }

    private static func indexMap(_ operand: [Int], _ out: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: out.count)
        var s = 1
        for i in stride(from: out.count - 1, through: 0, by: -1) {
            strides[i] = operand[i] == 1 ? 0 : s
            s *= operand[i]
        }
        return stridedIndexMap(shape: out, strides: strides)
    }
}

/// For each flat (row-major) index of `shape`, the flat index `Σ index[a]·strides[a]` of the
/// element it reads: broadcasting (stride 0) and axis permutation are both this walk.
func stridedIndexMap(shape: [Int], strides: [Int]) -> [Int] {
    let rank = shape.count, total = shape.reduce(1, *)
    var map = [Int](repeating: 0, count: total)
    var index = [Int](repeating: 0, count: rank)
    var flat = 0
    for i in 0..<total {
        map[i] = flat
        var axis = rank - 1
        while axis >= 0 {
            index[axis] += 1
            flat += strides[axis]
            if index[axis] < shape[axis] { break }
            flat -= strides[axis] * index[axis]
            index[axis] = 0
            axis -= 1
        }
    }
    return map
}
