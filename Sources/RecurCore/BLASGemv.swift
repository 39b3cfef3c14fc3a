import COpenBLAS

extension BLAS {
    /// y[m] = alpha · A[m×n] · x[n] + beta · y (row-major A with row length `lda`): the batch-1
    /// product of inference, where `cblas_sgemm` with one row would pay its packing for nothing.
    public static func gemv(m: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                            x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>) {
        guard m > 0 else { return }
        if n == 0 {
            if beta == 0 { y.update(repeating: 0, count: m) }
            return
        }
        _ = threads   // keeps OpenBLAS single-threaded, as for gemm
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }
}
