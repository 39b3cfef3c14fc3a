extension Variable {
    /// Σ of all elements (a scalar).
    public func sum() -> Variable {
        var total: Double = 0
        for v in value.scalars { total += Double(v) }
        let shape = self.shape
        return Variable.result(Tensor(scalar: Float(total)), [self], "sum") { g in
            self.accumulateGrad(Tensor(shape: shape, repeating: g.scalar))
        }
    }

    /// Mean of all elements (a scalar).
    public func mean() -> Variable { sum() * (1 / Float(max(value.count, 1))) }

    /// Σ along `axis`, which is removed: `[T, B, H].sum(axis: 0)` is `[B, H]`.
    public func sum(axis: Int) -> Variable {
        let ax = axis < 0 ? axis + value.rank : axis
        precondition(ax >= 0 && ax < value.rank, "sum: axis \(axis) out of range for shape \(shape)")
        let outer = shape[..<ax].reduce(1, *), extent = shape[ax], inner = shape[(ax + 1)...].reduce(1, *)
        var outShape = shape
        outShape.remove(at: ax)
        let x = value
        let out = Tensor.make(outShape) { o in
            o.update(repeating: 0, count: outer * inner)
            x.withPointer { src in
                for i in 0..<outer { for e in 0..<extent {
                    let s = src + (i * extent + e) * inner, d = o + i * inner
                    for j in 0..<inner { d[j] += s[j] }
                } }
            }
        }
        return Variable.result(out, [self], "sum-axis") { g in
            g.withPointer { pg in self.accumulateGrad { gx in
                for i in 0..<outer { for e in 0..<extent {
                    let d = gx + (i * extent + e) * inner, s = pg + i * inner
                    for j in 0..<inner { d[j] += s[j] }
                } }
            } }
        }
    }
}
