/// The recurrence `h_t = a_t ⊙ h_{t−1} + b_t` over a whole sequence, as one tape node.
///
/// Shapes: `a`, `b` `[T·B, H]` (row `t·B + i` is step t of sequence i), `h0` `[B, H]`; the result
/// is `[T, B, H]`, the state after each step. `mask` `[T, B]` (1 = real step): at a padded step
/// the state is carried (`h_t = h_{t−1}`, as if a = 1 and b = 0). `reverse` runs t = T−1 … 0, so
/// the step before t is t + 1.
///
/// Backward, a reverse scan: with `g` the gradient reaching h_t from later steps and from the
/// result, `∂a_t = g ⊙ h_{t−1}`, `∂b_t = g`, and `g ⊙ a_t` flows on to h_{t−1} (padded steps pass
/// g through unchanged); what is left at the first step is ∂h0.
func linearScan(a: Variable, b: Variable, h0: Variable, steps: Int, mask: Tensor?, reverse: Bool) -> Variable {
    let batch = h0.shape[0], width = h0.shape[1], rowWidth = batch * width
    precondition(a.shape == [steps * batch, width] && b.shape == a.shape,
                 "linearScan: coefficients \(a.shape), \(b.shape) do not match \(steps) steps of \(h0.shape)")
    let av = a.value, bv = b.value, hv = h0.value
    let keep: [Bool]? = mask.map { m in m.scalars.map { $0 != 0 } }
    let order = reverse ? Array((0..<steps).reversed()) : Array(0..<steps)
    let states = Tensor.make([steps, batch, width]) { out in
        av.withPointer { pa in bv.withPointer { pb in hv.withPointer { ph in
            var previous = ph
            for t in order {
                let base = t * rowWidth
                for i in 0..<batch {
                    let o = out + base + i * width, p = previous + i * width
                    if let keep, !keep[t * batch + i] {
                        o.update(from: p, count: width)
                        continue
                    }
                    let ra = pa + base + i * width, rb = pb + base + i * width
                    for j in 0..<width { o[j] = ra[j] * p[j] + rb[j] }
                }
                previous = UnsafePointer(out + base)
            }
        } } }
    }
    return Variable.result(states, [a, b, h0], "linear-scan") { g in
        var carry = [Float](repeating: 0, count: rowWidth)
        var gradA = [Float](repeating: 0, count: steps * rowWidth)
        var gradB = [Float](repeating: 0, count: steps * rowWidth)
        g.withPointer { pg in av.withPointer { pa in states.withPointer { ps in hv.withPointer { ph in
            carry.withUnsafeMutableBufferPointer { cb in gradA.withUnsafeMutableBufferPointer { gab in
                gradB.withUnsafeMutableBufferPointer { gbb in
                    let c = cb.baseAddress!, da = gab.baseAddress!, db = gbb.baseAddress!
                    for (k, t) in order.enumerated().reversed() {
                        let base = t * rowWidth
                        let previous = k == 0 ? ph : ps + order[k - 1] * rowWidth
                        for i in 0..<batch {
                            let r = i * width, gi = pg + base + r, ci = c + r
                            for j in 0..<width { ci[j] += gi[j] }
                            if let keep, !keep[t * batch + i] { continue }
                            let ra = pa + base + r, p = previous + r, dai = da + base + r, dbi = db + base + r
                            for j in 0..<width {
                                dai[j] = ci[j] * p[j]
                                dbi[j] = ci[j]
                                ci[j] *= ra[j]
                            }
                        }
                    }
                }
            } }
        } } } }
        a.accumulateGrad(Tensor(shape: a.shape, scalars: gradA))
        b.accumulateGrad(Tensor(shape: b.shape, scalars: gradB))
        h0.accumulateGrad(Tensor(shape: h0.shape, scalars: carry))
    }
}
