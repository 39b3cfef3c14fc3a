import COpenBLAS
import Glibc
import Synchronization

/// Matrix products (row-major): OpenBLAS's `cblas_sgemm`, or Recur's own AVX-512 kernel where
/// OpenBLAS's kernel set is narrower than the CPU (``ProductKernel``).
///
/// OpenBLAS runs single-threaded; with ``threads`` above 1 a large product is split into row or
/// column blocks of C, one per worker of ``WorkerTeam``, each a product of its own.
public enum BLAS {
    /// C[m×n] = alpha · op(A) · op(B) + beta · C, where op(A) is m×k and op(B) is k×n.
    /// Leading dimensions are the row lengths of the matrices as stored.
    ///
    /// With several ``threads`` and m·n·k at least ``parallelVolume``, each worker computes a block
    /// of C's rows (when m ≥ n) or columns, so only the smaller operand is packed by every worker.
    public static func gemm(transposeA: Bool = false, transposeB: Bool = false,
                            m: Int, n: Int, k: Int, alpha: Float = 1,
                            a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            if beta == 0 { for r in 0..<m { (c + r * ldc).update(repeating: 0, count: n) } }
            return
        }
        let kernel = productKernel
        let single = { (m: Int, n: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) in
            kernel.run(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                       a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
        guard threads > 1, m * n * k >= parallelVolume else { return single(m, n, a, b, c) }
        let byRows = m >= n, extent = byRows ? m : n
        // Parts of whole strips: 16 rows or columns, the unit of OpenBLAS's AVX-512 and AVX2 kernels,
        // or for Recur's kernel whole panels of columns.
        let strip = byRows ? 16 : max(16, kernel.panelWidth)
        WorkerTeam.shared.share((extent + strip - 1) / strip, minimum: 1) { strips in
            let first = strips.lowerBound * strip, count = min(extent, strips.upperBound * strip) - first
            guard count > 0 else { return }
            if byRows {
                single(count, n, transposeA ? a + first : a + first * lda, b, c + first * ldc)
            } else {
                single(m, count, a, transposeB ? b + first * ldb : b + first, c + first)
            }
        }
    }

    /// Who computes the products now: ``productKernelOverride``, else the choice made at load
    /// (``ProductKernel``; `RECUR_GEMM` names one).
    public static var productKernel: ProductKernel {
        if let wanted = productKernelOverride, wanted.isSupported { return wanted }
        return ProductKernel.chosen
    }

    /// When set (and the CPU can run it), used instead of the choice made at load; tests run every kernel.
    public nonisolated(unsafe) static var productKernelOverride: ProductKernel?

    /// The smallest m·n·k that ``gemm`` splits between workers. Waking a worker costs a few
    /// microseconds; a product of this volume takes about 40 µs on one core with AVX2 kernels.
    public nonisolated(unsafe) static var parallelVolume = 1 << 21

    /// The kernel set OpenBLAS chose when it loaded (for example `SkylakeX`, `Prescott`).
    public static var kernelName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Threads that share one product: the user's `--threads`; at first OpenBLAS's own default
    /// (`OPENBLAS_NUM_THREADS`, or one per core). OpenBLAS itself is then kept at one thread.
    public static var threads: Int {
        get { setting.count.load(ordering: .relaxed) }
        set { setting.count.store(max(1, newValue), ordering: .relaxed) }
    }

    private final class ThreadSetting: Sendable {
        let count: Atomic<Int>
        init() {
            count = Atomic(Int(openblas_get_num_threads()))
            openblas_set_num_threads(1)
            // OpenBLAS started its workers when it loaded, and each polls for about 0.1 s before it
            // sleeps: in a short run they took a core from WorkerTeam (`recur bench gemm --threads 2`
            // at 64×512·512×2048: 100 GFLOP/s with them, 200 with OPENBLAS_NUM_THREADS=1). Recur never
            // hands them work, so they are stopped. Looked up at run time: serial OpenBLAS builds
            // have neither the threads nor the function.
            if let shutdown = dlsym(nil, "blas_thread_shutdown_") {
                _ = unsafeBitCast(shutdown, to: (@convention(c) () -> Int32).self)()
            }
        }
    }
    private static let setting = ThreadSetting()
}
