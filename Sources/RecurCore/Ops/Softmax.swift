import Foundation

/// Row-wise log-softmax over the last axis of `[R, C]` data: `log_softmax(x)_j = x_j − m − log Σ e^(x_i − m)`
/// with m the row maximum, so large logits never overflow.
func logSoftmaxRows(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
    WorkerTeam.shared.share(rows, minimum: elementwiseShare / max(columns, 1)) { range in
        let first = range.lowerBound * columns
        Kernels.logSoftmax(x + first, into: out + first, rows: range.count, columns: columns)
    }
}

/// softmax over the last axis: `y_j = e^(x_j − m) / Σ_i e^(x_i − m)`.
/// Backward: ∂x_j = y_j (∂y_j − Σ_i ∂y_i y_i).
public func softmax(_ a: Variable) -> Variable {
    let columns = a.shape.last ?? 1, rows = a.value.count / max(columns, 1)
    let x = a.value
    let y = Tensor.make(x.shape) { o in
        x.withPointer { logSoftmaxRows($0, o, rows: rows, columns: columns) }
        Kernels.exp(UnsafePointer(o), into: o, count: x.count)
    }
    return Variable.result(y, [a], "softmax") { g in softmaxBackward(g, y: y, into: a, rows: rows, columns: columns) }
}

/// Adds ∂x_j = y_j (∂y_j − Σ_i ∂y_i y_i) row by row into `x`'s gradient, for any softmax output y
/// (masked or not: a masked position has y_j = 0 and so gets nothing).
func softmaxBackward(_ g: Tensor, y: Tensor, into x: Variable, rows: Int, columns: Int) {
    g.withPointer { pg in y.withPointer { py in x.accumulateGrad { gx in
        for r in 0..<rows {
            let o = r * columns
            var dot: Float = 0
            for j in 0..<columns { dot += pg[o + j] * py[o + j] }
            for j in 0..<columns { gx[o + j] += py[o + j] * (pg[o + j] - dot) }
        }
    } } }
}

/// log-softmax over the last axis. Backward: ∂x_j = ∂y_j − softmax_j Σ_i ∂y_i.
public func logSoftmax(_ a: Variable) -> Variable {
    let columns = a.shape.last ?? 1, rows = a.value.count / max(columns, 1)
    let x = a.value
    let y = Tensor.make(x.shape) { o in x.withPointer { logSoftmaxRows($0, o, rows: rows, columns: columns) } }
    return Variable.result(y, [a], "log-softmax") { g in
        g.withPointer { pg in y.withPointer { py in a.accumulateGrad { ga in
            for r in 0..<rows {
                let o = r * columns
                var total: Float = 0
                for j in 0..<columns { total += pg[o + j] }
                for j in 0..<columns { ga[o + j] += pg[o + j] - Foundation.exp(py[o + j]) * total }
            }
        } } }
    }
}
