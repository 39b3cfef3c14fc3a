/// Every query row plus every key row: q `[B, T, A]`, k `[B, S, A]` → `[B, T, S, A]` with
///
///     out[b, t, s, :] = q[b, t, :] + k[b, s, :]
///
/// — additive attention's W s_t + U h_s for all (t, s). It equals broadcasting
/// `q.reshaped([B, T, 1, A]) + k.reshaped([B, 1, S, A])`, without the general path's index maps
/// (two B·T·S·A-entry tables per call, 12% of a captioning step when profiled).
/// Backward: ∂q[b, t] = Σ_s g[b, t, s], ∂k[b, s] = Σ_t g[b, t, s].
public func pairwiseSum(_ q: Variable, _ k: Variable) -> Variable {
    precondition(q.value.rank == 3 && k.value.rank == 3 && q.shape[0] == k.shape[0] && q.shape[2] == k.shape[2],
                 "pairwiseSum: queries \(q.shape) and keys \(k.shape) must be [B, T, A] and [B, S, A]")
    let (b, t, s, a) = (q.shape[0], q.shape[1], k.shape[1], q.shape[2])
    let out = Tensor.make([b, t, s, a]) { o in
        q.value.withPointer { pq in k.value.withPointer { pk in
            for i in 0..<b {
                for j in 0..<t {
                    let row = pq + (i * t + j) * a
                    for m in 0..<s {
                        Kernels.add(row, pk + (i * s + m) * a, into: o + ((i * t + j) * s + m) * a, count: a)
                    }
                }
            }
        } }
    }
    return Variable.result(out, [q, k], "pairwise-sum") { g in
        g.withPointer { pg in
            if q.requiresGrad {
                q.accumulateGrad { gq in
                    for i in 0..<b {
                        for j in 0..<t { Kernels.accumulateRowSum(pg + (i * t + j) * s * a, into: gq + (i * t + j) * a, rows: s, columns: a) }
                    }
                }
            }
            if k.requiresGrad {
                k.accumulateGrad { gk in
                    for i in 0..<b {
                        for j in 0..<t { Kernels.addRow(pg + (i * t + j) * s * a, into: gk + i * s * a, rows: 1, columns: s * a) }
                    }
                }
            }
        }
    }
}
