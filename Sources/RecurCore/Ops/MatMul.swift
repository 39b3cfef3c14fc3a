/// Matrix products: `op(A)·op(B)` for `[M, K]·[K, N]` and the batched form `[G, M, K]·[G, K, N]`
/// (attention scores and contexts). Backward: ∂A = ∂C·Bᵀ, ∂B = Aᵀ·∂C, with the transposes folded
/// into the BLAS call rather than materialised.
public func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) -> Variable {
    if a.value.rank == 3 || b.value.rank == 3 {
        return batchedMatmul(a, b, transposeA: transposeA, transposeB: transposeB)
    }
    precondition(a.value.rank == 2 && b.value.rank == 2, "matmul: shapes \(a.shape) and \(b.shape) are not matrices")
    let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (k2, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    precondition(k == k2, "matmul: shapes \(a.shape)\(transposeA ? "ᵀ" : "") and \(b.shape)\(transposeB ? "ᵀ" : "") do not chain")
    let av = a.value, bv = b.value
    // One-hot rows (character inputs) make the product a row gather and ∂B a row scatter.
    let oneHot = transposeA ? nil : av.withPointer { OneHotRows($0, rows: m, width: k) }
    let out = Tensor.make([m, n]) { c in
        av.withPointer { pa in bv.withPointer { pb in
            if let oneHot {
                if transposeB { oneHot.productTransposed(b: pb, ldb: b.shape[1], n: n, c: c, ldc: n) }
                else { oneHot.product(b: pb, ldb: b.shape[1], n: n, c: c, ldc: n) }
            } else {
                BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                          a: pa, lda: a.shape[1], b: pb, ldb: b.shape[1], c: c, ldc: n)
            }
        } }
    }
    return OpTrace.note(.matmul(transposeA: transposeA, transposeB: transposeB), a, b, Variable.result(out, [a, b], "matmul") { g in
        g.withPointer { pg in
            if a.requiresGrad {
                // A first gradient is written by the product (beta 0), not added to zeros.
                bv.withPointer { pb in a.accumulateGrad(writingFirst: { ga, first in
                    let beta: Float = first ? 0 : 1
                    if transposeA {   // A is [K, M]: ∂A = op(B)·∂Cᵀ
                        BLAS.gemm(transposeA: transposeB, transposeB: true, m: k, n: m, k: n,
                                  a: pb, lda: b.shape[1], b: pg, ldb: n, beta: beta, c: ga, ldc: m)
                    } else {          // ∂A = ∂C·op(B)ᵀ
                        BLAS.gemm(transposeA: false, transposeB: !transposeB, m: m, n: k, k: n,
                                  a: pg, lda: n, b: pb, ldb: b.shape[1], beta: beta, c: ga, ldc: k)
                    }
                }) }
            }
            if b.requiresGrad, let oneHot {
                b.accumulateGrad { gb in
                    if transposeB { oneHot.accumulateProductTransposed(pg, ldg: n, n: n, into: gb, ldb: k) }
                    else { oneHot.accumulateTransposedProduct(pg, ldg: n, n: n, into: gb, ldb: n) }
                }
            } else if b.requiresGrad {
                av.withPointer { pa in b.accumulateGrad(writingFirst: { gb, first in
                    let beta: Float = first ? 0 : 1
                    if transposeB {   // B is [N, K]: ∂B = ∂Cᵀ·op(A)
                        BLAS.gemm(transposeA: true, transposeB: transposeA, m: n, n: k, k: m,
                                  a: pg, lda: n, b: pa, ldb: a.shape[1], beta: beta, c: gb, ldc: k)
                    } else {          // ∂B = op(A)ᵀ·∂C
                        BLAS.gemm(transposeA: !transposeA, transposeB: false, m: k, n: n, k: m,
                                  a: pa, lda: a.shape[1], b: pg, ldb: n, beta: beta, c: gb, ldc: n)
                    }
                }) }
            }
        }
    })
}

private func batchedMatmul(_ a: Variable, _ b: Variable, transposeA: Bool, transposeB: Bool) -> Variable {
    precondition(a.value.rank == 3 && b.value.rank == 3 && a.shape[0] == b.shape[0],
                 "matmul: batched shapes \(a.shape) and \(b.shape) do not match")
    let batch = a.shape[0]
    let (m, k) = transposeA ? (a.shape[2], a.shape[1]) : (a.shape[1], a.shape[2])
    let (k2, n) = transposeB ? (b.shape[2], b.shape[1]) : (b.shape[1], b.shape[2])
    precondition(k == k2, "matmul: shapes \(a.shape) and \(b.shape) do not chain")
    let av = a.value, bv = b.value
    let sa = a.shape[1] * a.shape[2], sb = b.shape[1] * b.shape[2]
    let lda = a.shape[2], ldb = b.shape[2]
    let out = Tensor.make([batch, m, n]) { c in
        av.withPointer { pa in bv.withPointer { pb in
            for i in 0..<batch {
                BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                          a: pa + i * sa, lda: lda, b: pb + i * sb, ldb: ldb, c: c + i * m * n, ldc: n)
            }
        } }
    }
    return Variable.result(out, [a, b], "batched-matmul") { g in
        g.withPointer { pg in
            if a.requiresGrad {
                bv.withPointer { pb in a.accumulateGrad { ga in
                    for i in 0..<batch {
                        let gi = pg + i * m * n
                        if transposeA {
                            BLAS.gemm(transposeA: transposeB, transposeB: true, m: k, n: m, k: n,
                                      a: pb + i * sb, lda: ldb, b: gi, ldb: n, beta: 1, c: ga + i * sa, ldc: m)
                        } else {
                            BLAS.gemm(transposeA: false, transposeB: !transposeB, m: m, n: k, k: n,
                                      a: gi, lda: n, b: pb + i * sb, ldb: ldb, beta: 1, c: ga + i * sa, ldc: k)
                        }
                    }
                } }
            }
            if b.requiresGrad {
                av.withPointer { pa in b.accumulateGrad { gb in
                    for i in 0..<batch {
                        let gi = pg + i * m * n
                        if transposeB {
                            BLAS.gemm(transposeA: true, transposeB: transposeA, m: n, n: k, k: m,
                                      a: gi, lda: n, b: pa + i * sa, ldb: lda, beta: 1, c: gb + i * sb, ldc: k)
                        } else {
                            BLAS.gemm(transposeA: !transposeA, transposeB: false, m: k, n: n, k: m,
                                      a: pa + i * sa, lda: lda, b: gi, ldb: n, beta: 1, c: gb + i * sb, ldc: n)
                        }
                    }
                } }
            }
        }
    }
}
