import COpenBLAS
import Foundation
import RecurKernelsAVX2
import RecurKernelsAVX512

/// Who computes ``BLAS/gemm``'s products: OpenBLAS, or Recur's cache-blocked panel kernel
/// (`BlockedProduct` in Sources/RecurKernels) built for AVX-512 or AVX2.
///
/// OpenBLAS, unless its kernel set is narrower than the CPU's vectors. Debian's OpenBLAS 0.3.21
/// does not know recent AVX-512 CPUs, and some machines pin it to its AVX2 kernels
/// (`OPENBLAS_CORETYPE=Haswell`) because older builds compute wrong results on them; Recur keeps
/// that pin. OpenBLAS then runs at about half the CPU's speed (about 100 GFLOP/s against 200 on one
/// core here, docs/engine-notes.md, "Products on a narrowed OpenBLAS"), and Recur's AVX-512 kernel
/// takes the products. Where OpenBLAS's kernels match the CPU (an AVX2-only CPU, or an AVX-512 one
/// with SkylakeX kernels) it keeps them, except on Zen 4: there the SkylakeX kernels, scheduled
/// for two 512-bit FMA ports, ran the fused and user-cell training shapes 0.7–4.6% slower end to
/// end than Recur's AVX-512 kernel (docs/engine-notes.md, seventeenth session, "Products on
/// Zen 4"), so Recur's kernel takes them. Likewise on a Zen or Zen+, which runs AVX2 on 128-bit
/// units: there OpenBLAS's Haswell kernels fell to 8–12 GFLOP/s (a quarter of the FMA peak) on
/// most training shapes of H = 256 and on every product with 65 rows or columns, where Recur's
/// AVX2 kernel ran 27–36, and LSTM char-lm training went from 11.0–11.8k to 18.2–18.3k chars/s
/// (docs/engine-notes.md, twenty-first session, "Products on Zen 1"). Zen 2 and 3, Intel's CPUs
/// and Zen 5 keep OpenBLAS until measured. `RECUR_GEMM=openblas|avx512|avx2`
/// or ``BLAS/productKernelOverride`` forces a choice (a kernel the CPU lacks falls back to OpenBLAS).
public enum ProductKernel: String, Sendable, CaseIterable {
    case openBLAS = "openblas", avx512, avx2

    /// The choice for Recur's kernels built as `build` and an OpenBLAS running `openBLASKernel`:
    /// Recur's kernel when its vectors are wider than the fused multiply-adds of OpenBLAS's set,
    /// or as wide on a CPU that runs them in two halves: `splitsAVX512` (Zen 4,
    /// ``CPUKernelChoice/splitsAVX512(cpuinfo:)``) for the AVX-512 build, `splitsAVX2` (Zen and
    /// Zen+, ``CPUKernelChoice/splitsAVX2(cpuinfo:)``) for the AVX2 one.
    public static func automatic(build: Kernels.Build, openBLASKernel: String, splitsAVX512: Bool = false,
                                 splitsAVX2: Bool = false) -> ProductKernel {
        let own: (kernel: ProductKernel, bits: Int) = switch build {
        case .avx512: (.avx512, 512)
        case .avx2: (.avx2, 256)
        case .baseline: (.openBLAS, 0)
        }
        let theirs = fusedBits(openBLASKernel: openBLASKernel)
        if own.bits > theirs || (own.kernel == .avx512 && theirs == 512 && splitsAVX512)
            || (own.kernel == .avx2 && theirs == 256 && splitsAVX2) { return own.kernel }
        return .openBLAS
    }

    /// The vector width of an OpenBLAS kernel set's sgemm with fused multiply-adds: 512 for the
    /// AVX-512 sets, 256 for the AVX2 + FMA ones, 128 for anything older (SSE, or AVX without FMA).
    static func fusedBits(openBLASKernel name: String) -> Int {
        switch name.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": 512
        case "haswell", "zen", "excavator", "steamroller", "piledriver": 256
        default: 128
        }
    }

    /// Whether this CPU can run the kernel.
    public var isSupported: Bool {
        switch self {
        case .openBLAS: return true
        case .avx512: return Kernels.Build.available.contains(.avx512)
        case .avx2: return Kernels.Build.available.contains(.avx2)
        }
    }

    /// How `recur version` and the benchmarks name it.
    public var label: String {
        switch self {
        case .openBLAS: "OpenBLAS"
        case .avx512: "Recur's AVX-512 kernel"
        case .avx2: "Recur's AVX2 kernel"
        }
    }

    static let chosen: ProductKernel = {
        if let name = getenv("RECUR_GEMM"), let named = ProductKernel(rawValue: String(cString: name).lowercased()) {
            return named.isSupported ? named : .openBLAS
        }
        return automatic(build: Kernels.Build.current, openBLASKernel: BLAS.kernelName,
                         splitsAVX512: CPUKernelChoice.splitsAVX512(), splitsAVX2: CPUKernelChoice.splitsAVX2())
    }()

    /// Columns of one packed panel (0 for OpenBLAS): a column split between threads keeps whole panels.
    var panelWidth: Int {
        switch self {
        case .openBLAS: 0
        case .avx512: RecurKernelsAVX512.PanelProduct.width
        case .avx2: RecurKernelsAVX2.PanelProduct.width
        }
    }

    /// `C = (beta · C) + alpha · op(A) · op(B)` for one block, on this thread.
    func run(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
             a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
             beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if self == .openBLAS {
            cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
            return
        }
        if beta != 0 && beta != 1 {
            for r in 0..<m {
                let row = c + r * ldc
                for j in 0..<n { row[j] *= beta }
            }
        }
        let accumulate = beta != 0
        switch self {
        case .avx512:
            ProductScratch.with(RecurKernelsAVX512.BlockedProduct.scratchCount(transposeA: transposeA, m: m, n: n, k: k)) { scratch in
                RecurKernelsAVX512.BlockedProduct.run(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                                      alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                                                      accumulate: accumulate, c: c, ldc: ldc, scratch: scratch)
            }
        case .avx2:
            ProductScratch.with(RecurKernelsAVX2.BlockedProduct.scratchCount(transposeA: transposeA, m: m, n: n, k: k)) { scratch in
                RecurKernelsAVX2.BlockedProduct.run(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                                    alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                                                    accumulate: accumulate, c: c, ldc: ldc, scratch: scratch)
            }
        case .openBLAS:
            break
        }
    }
}

/// One growing scratch buffer per thread for the packed blocks of ``ProductKernel``: a product
/// runs on whichever thread calls it (the caller, a ``WorkerTeam`` worker), and allocating
/// megabytes per product would cost page faults every time.
enum ProductScratch {
    private final class Buffer {
        var pointer: UnsafeMutablePointer<Float>
        var capacity: Int
        init(capacity: Int) {
            self.capacity = capacity
            pointer = .allocate(capacity: capacity)
        }
        deinit { pointer.deallocate() }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { raw in
            if let raw { Unmanaged<Buffer>.fromOpaque(raw).release() }
        }
        return key
    }()

    static func with<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        if let raw = pthread_getspecific(key) {
            let buffer = Unmanaged<Buffer>.fromOpaque(raw).takeUnretainedValue()
            if buffer.capacity < count {
                buffer.pointer.deallocate()
                buffer.capacity = count
                buffer.pointer = .allocate(capacity: count)
            }
            return body(buffer.pointer)
        }
        let buffer = Buffer(capacity: count)
        pthread_setspecific(key, Unmanaged.passRetained(buffer).toOpaque())
        return body(buffer.pointer)
    }
}
