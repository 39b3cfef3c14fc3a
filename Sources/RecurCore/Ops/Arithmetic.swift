// Element-wise arithmetic with NumPy broadcasting; the gradient of a broadcast operand is
// summed over the axes it was repeated along. Same-shape operands and bias rows (the common
// cases inside a cell step) take plain loops the compiler vectorises.

/// a ± bias row, the commonest broadcast (every linear layer): one pass, no index map.
private func addRow(_ a: Variable, _ row: Variable, sign: Float) -> Variable {
    let columns = row.value.count, rows = a.value.count / max(columns, 1)
    var out = a.value
    out.withMutablePointer { o in
        row.value.withPointer { r in
            if sign == 1 { Kernels.addRow(r, into: o, rows: rows, columns: columns) }
            else { for i in 0..<rows { for j in 0..<columns { o[i * columns + j] -= r[j] } } }
        }
    }
    return Variable.result(out, [a, row], sign == 1 ? "add" : "sub") { g in
        a.accumulateGrad(g)
        g.withPointer { pg in
            if sign == 1 { row.accumulateGrad { Kernels.accumulateRowSum(pg, into: $0, rows: rows, columns: columns) } }
            else { row.accumulateGrad { gr in for i in 0..<rows { for j in 0..<columns { gr[j] -= pg[i * columns + j] } } } }
        }
    }
}

private enum SameShapeOp { case add, sub, mul, div }

/// a ∘ b for operands of one shape; the general path's per-element closure calls cost about 3×.
private func sameShape(_ a: Variable, _ b: Variable, _ op: SameShapeOp) -> Variable {
    let av = a.value, bv = b.value, n = av.count
    let out = Tensor.make(av.shape) { o in
        av.withPointer { pa in bv.withPointer { pb in
            switch op {
            case .add: for i in 0..<n { o[i] = pa[i] + pb[i] }
            case .sub: for i in 0..<n { o[i] = pa[i] - pb[i] }
            case .mul: for i in 0..<n { o[i] = pa[i] * pb[i] }
            case .div: for i in 0..<n { o[i] = pa[i] / pb[i] }
            }
        } }
    }
    return Variable.result(out, [a, b], "\(op)") { g in
        g.withPointer { pg in
            switch op {
            case .add:
                a.accumulateGrad(g)
                b.accumulateGrad(g)
            case .sub:
                a.accumulateGrad(g)
                b.accumulateGrad { gb in for i in 0..<n { gb[i] -= pg[i] } }
            case .mul:
                bv.withPointer { pb in a.accumulateGrad { ga in for i in 0..<n { ga[i] += pg[i] * pb[i] } } }
                av.withPointer { pa in b.accumulateGrad { gb in for i in 0..<n { gb[i] += pg[i] * pa[i] } } }
            case .div:   // ∂a = g / b, ∂b = −g · a / b²
                bv.withPointer { pb in a.accumulateGrad { ga in for i in 0..<n { ga[i] += pg[i] / pb[i] } } }
                av.withPointer { pa in bv.withPointer { pb in
                    b.accumulateGrad { gb in for i in 0..<n { gb[i] -= pg[i] * pa[i] / (pb[i] * pb[i]) } }
                } }
            }
        }
    }
}

private func isBiasRow(_ a: Variable, _ b: Variable) -> Bool {
    b.value.rank == 1 && a.value.rank >= 2 && a.shape.last == b.shape[0]
}

private func elementwise(_ a: Variable, _ b: Variable, _ label: String,
                         forward: (Float, Float) -> Float,
                         dA: @escaping (Float, Float, Float) -> Float,
                         dB: @escaping (Float, Float, Float) -> Float) -> Variable {
    let plan = Broadcast(a.shape, b.shape, op: label)
    let av = a.value, bv = b.value
    let out = Tensor.make(plan.shape) { o in
        av.withPointer { pa in bv.withPointer { pb in
            for i in 0..<plan.shape.reduce(1, *) {
                o[i] = forward(pa[plan.lhsIndex?[i] ?? i], pb[plan.rhsIndex?[i] ?? i])
            }
        } }
    }
    return Variable.result(out, [a, b], label) { g in
        let n = g.count
        g.withPointer { pg in av.withPointer { pa in bv.withPointer { pb in
            if a.requiresGrad {
                a.accumulateGrad { ga in
                    for i in 0..<n {
                        let ia = plan.lhsIndex?[i] ?? i, ib = plan.rhsIndex?[i] ?? i
                        ga[ia] += dA(pg[i], pa[ia], pb[ib])
                    }
                }
            }
            if b.requiresGrad {
                b.accumulateGrad { gb in
                    for i in 0..<n {
                        let ia = plan.lhsIndex?[i] ?? i, ib = plan.rhsIndex?[i] ?? i
                        gb[ib] += dB(pg[i], pa[ia], pb[ib])
                    }
                }
            }
        } } }
    }
}

/// a + b, broadcasting (a bias row `[N]` over `[M, N]`, a column `[M, 1]`, …).
public func + (a: Variable, b: Variable) -> Variable {
    let out: Variable
    if a.shape == b.shape { out = sameShape(a, b, .add) }
    else if isBiasRow(a, b) { out = addRow(a, b, sign: 1) }
    else { out = elementwise(a, b, "add", forward: +, dA: { g, _, _ in g }, dB: { g, _, _ in g }) }
    return OpTrace.note(.add, a, b, out)
}

/// a − b, broadcasting.
public func - (a: Variable, b: Variable) -> Variable {
    let out: Variable
    if a.shape == b.shape { out = sameShape(a, b, .sub) }
    else if isBiasRow(a, b) { out = addRow(a, b, sign: -1) }
    else { out = elementwise(a, b, "sub", forward: -, dA: { g, _, _ in g }, dB: { g, _, _ in -g }) }
    return OpTrace.note(.sub, a, b, out)
}

/// a ⊙ b (Hadamard product), broadcasting.
public func * (a: Variable, b: Variable) -> Variable {
    let out = a.shape == b.shape ? sameShape(a, b, .mul)
        : elementwise(a, b, "mul", forward: *, dA: { g, _, y in g * y }, dB: { g, x, _ in g * x })
    return OpTrace.note(.mul, a, b, out)
}

/// a ⊘ b (element-wise quotient), broadcasting; b must not be 0.
/// ∂a = g / b, ∂b = −g · a / b².
public func / (a: Variable, b: Variable) -> Variable {
    if a.shape == b.shape { return OpTrace.note(.div, a, b, sameShape(a, b, .div)) }
    return OpTrace.note(.div, a, b, elementwise(a, b, "div", forward: /, dA: { g, _, y in g / y }, dB: { g, x, y in -g * x / (y * y) }))
}

/// a · s for a constant scalar s.
public func * (a: Variable, s: Float) -> Variable {
    let out = Tensor(shape: a.shape, scalars: a.value.scalars.map { $0 * s })
    return OpTrace.note(.scale(s), a, Variable.result(out, [a], "scale") { g in
        g.withPointer { pg in a.accumulateGrad { ga in Kernels.addScaled(pg, s, into: ga, count: g.count) } }
    })
}

public func * (s: Float, a: Variable) -> Variable { a * s }

/// −a
public prefix func - (a: Variable) -> Variable { a * -1 }

/// a + s for a constant scalar s.
public func + (a: Variable, s: Float) -> Variable {
    let out = Tensor(shape: a.shape, scalars: a.value.scalars.map { $0 + s })
    return OpTrace.note(.addScalar(s), a, Variable.result(out, [a], "add-scalar") { g in a.accumulateGrad(g) })
}

/// s − a for a constant scalar s (for example `1 − z` in a GRU).
public func - (s: Float, a: Variable) -> Variable {
    let out = Tensor(shape: a.shape, scalars: a.value.scalars.map { s - $0 })
    return OpTrace.note(.rsubScalar(s), a, Variable.result(out, [a], "rsub-scalar") { g in
        g.withPointer { pg in a.accumulateGrad { ga in Kernels.addScaled(pg, -1, into: ga, count: g.count) } }
    })
}
