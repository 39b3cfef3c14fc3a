extension Trainer {
    /// Makes every rank's step the global one: the loss and gradients become means over all
    /// ranks' items (each rank's mean weighted by its item count, so the result equals one
    /// process on the whole batch), in one all-reduce of one flattened buffer; stop requests
    /// (Ctrl-C on any rank, rank 0's time budget) are shared so every rank stops at the same step.
    func reduce(_ group: any ProcessGroup, parameters: [NamedParameter], loss: Double, items: Int,
                outOfTime: Bool, interrupted: Bool) -> (Double, Int, Bool, Bool) {
        let sums = group.allReduceSum([loss * Double(items), Double(items), group.isLeader && outOfTime ? 1 : 0, interrupted ? 1 : 0])
        let total = sums[1]
        let count = parameters.reduce(0) { $0 + $1.variable.value.count }
        let flat = FloatBuffer(uninitializedCount: count)
        defer { withExtendedLifetime(flat) {} }
        var offset = 0
        let weight = Float(Double(items) / total)
        for (_, p) in parameters {
            let n = p.value.count
            if let g = p.grad {
                g.withPointer { src in for i in 0..<n { flat.pointer[offset + i] = src[i] * weight } }
            } else {
                (flat.pointer + offset).update(repeating: 0, count: n)
            }
            offset += n
        }
        group.allReduceSum(flat.pointer, count: count)
        offset = 0
        for (_, p) in parameters {
            let n = p.value.count
            p.grad = Tensor.make(p.shape) { $0.update(from: flat.pointer + offset, count: n) }
            offset += n
        }
        return (sums[0] / total, Int(total), sums[2] > 0, sums[3] > 0)
    }
}
