/// Views a shape as `[outer, extent, inner]` around `axis`, so copies along any axis become
/// `outer` strided block copies.
private func blocks(_ shape: [Int], axis: Int) -> (outer: Int, extent: Int, inner: Int) {
    (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
}

private func normalised(_ axis: Int, rank: Int, _ op: String) -> Int {
    let a = axis < 0 ? axis + rank : axis
    precondition(a >= 0 && a < rank, "\(op): axis \(axis) out of range for rank \(rank)")
    return a
}

/// Joins tensors along `axis` (default: the feature axis, the last). All other extents must match.
public func concat(_ parts: [Variable], axis: Int = -1) -> Variable {
    precondition(!parts.isEmpty, "concat: nothing to join")
    let rank = parts[0].value.rank
    let ax = normalised(axis, rank: rank, "concat")
    for p in parts {
        var s1 = p.shape, s0 = parts[0].shape
        s1[ax] = 0; s0[ax] = 0
        precondition(s1 == s0, "concat: shapes \(parts[0].shape) and \(p.shape) differ off axis \(ax)")
    }
    var shape = parts[0].shape
    shape[ax] = parts.reduce(0) { $0 + $1.shape[ax] }
    let (outer, total, inner) = blocks(shape, axis: ax)
    let values = parts.map(\.value)
    let out = Tensor.make(shape) { o in
        var offset = 0
        for v in values {
            let e = v.shape[ax]
            v.withPointer { src in
                for i in 0..<outer { (o + (i * total + offset) * inner).update(from: src + i * e * inner, count: e * inner) }
            }
            offset += e
        }
    }
    return OpTrace.note(.concat(axis: axis), parts, Variable.result(out, parts, "concat") { g in
        g.withPointer { pg in
            var offset = 0
            for p in parts {
                let e = p.shape[ax]
                p.accumulateGrad { gp in
                    for i in 0..<outer {
                        Kernels.add(gp + i * e * inner, pg + (i * total + offset) * inner,
                                    into: gp + i * e * inner, count: e * inner)
                    }
                }
                offset += e
            }
        }
    })
}

extension Variable {
    /// The `length` entries starting at `start` along `axis`. Backward adds into that window only.
    public func slice(axis: Int = -1, start: Int, length: Int) -> Variable {
        let ax = normalised(axis, rank: value.rank, "slice")
        precondition(start >= 0 && length >= 0 && start + length <= shape[ax],
                     "slice: \(start)..<\(start + length) outside axis \(ax) of shape \(shape)")
        var outShape = shape
        outShape[ax] = length
        let (outer, extent, inner) = blocks(shape, axis: ax)
        let x = value
        let out = Tensor.make(outShape) { o in
            x.withPointer { src in
                for i in 0..<outer { (o + i * length * inner).update(from: src + (i * extent + start) * inner, count: length * inner) }
            }
        }
        return OpTrace.note(.slice(axis: axis, start: start, length: length), self, Variable.result(out, [self], "slice") { g in
            g.withPointer { pg in self.accumulateGrad { gx in
                for i in 0..<outer {
                    let d = gx + (i * extent + start) * inner
                    Kernels.add(d, pg + i * length * inner, into: d, count: length * inner)
                }
            } }
        })
    }

    /// Cuts along `axis` into consecutive pieces of the given sizes.
    public func split(sizes: [Int], axis: Int = -1) -> [Variable] {
        let ax = normalised(axis, rank: value.rank, "split")
        precondition(sizes.reduce(0, +) == shape[ax], "split: sizes \(sizes) do not add up to \(shape[ax]) in shape \(shape)")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(axis: ax, start: start, length: size)
        }
    }

    /// Entry `index` of axis 0 with that axis removed: step t of a `[T, B, X]` sequence is `[B, X]`.
    public func select(_ index: Int) -> Variable {
        slice(axis: 0, start: index, length: 1).reshaped(Array(shape.dropFirst()))
    }

    /// The same elements under a new shape.
    public func reshaped(_ newShape: [Int]) -> Variable {
        let out = value.reshaped(newShape)
        let original = shape
        return Variable.result(out, [self], "reshape") { g in self.accumulateGrad(g.reshaped(original)) }
    }

    /// Axes reordered: result axis i is input axis `permutation[i]`. `transposed()` swaps the last two.
    public func permuted(_ permutation: [Int]) -> Variable {
        let rank = value.rank
        precondition(permutation.sorted() == Array(0..<rank), "permute: \(permutation) is not a permutation of rank \(rank)")
        let inShape = shape
        let outShape = permutation.map { inShape[$0] }
        var inStrides = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * inShape[i + 1] }
        let strides = permutation.map { inStrides[$0] }
        let total = value.count
        let map = stridedIndexMap(shape: outShape, strides: strides)
        let x = value
        let out = Tensor.make(outShape) { o in x.withPointer { src in for i in 0..<total { o[i] = src[map[i]] } } }
        return Variable.result(out, [self], "permute") { g in
            g.withPointer { pg in self.accumulateGrad { gx in for i in 0..<total { gx[map[i]] += pg[i] } } }
        }
    }

    /// Swaps the last two axes (a matrix transpose for rank 2).
    public func transposed() -> Variable {
        let rank = value.rank
        precondition(rank >= 2, "transposed: shape \(shape) has fewer than two axes")
        var p = Array(0..<rank)
        p.swapAt(rank - 1, rank - 2)
        return permuted(p)
    }
}

/// Stacks equal-shaped tensors along a new leading axis: T tensors `[B, H]` become `[T, B, H]`.
public func stack(_ parts: [Variable]) -> Variable {
    precondition(!parts.isEmpty, "stack: nothing to stack")
    return concat(parts.map { $0.reshaped([1] + $0.shape) }, axis: 0)
}
