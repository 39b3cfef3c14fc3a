import Foundation
import RecurCore
import RecurKernelsAVX2
import RecurKernelsAVX512

/// The instruction set of the per-step recurrent microkernel (``FusedRecurrence``).
///
/// Chosen once from the CPU flags in `/proc/cpuinfo`, like the OpenBLAS kernel set
/// (``CPUKernelChoice``): AVX-512F → 16-float lanes, AVX2 + FMA → 8-float lanes, otherwise the
/// per-step products go to OpenBLAS as before. `RECUR_MICROKERNEL=avx512|avx2|blas` or
/// ``RecurrentISA/override`` forces a choice (tests run the AVX2 path on AVX-512 machines too);
/// a forced set the CPU lacks falls back to the best one it has.
public enum RecurrentISA: String, Sendable, CaseIterable {
    case avx512, avx2, blas

    /// When set, used instead of the CPU's choice (only if the CPU supports it).
    public nonisolated(unsafe) static var override: RecurrentISA?

    /// When set, the number of workers that split a recurrent sweep, instead of `BLAS.threads`
    /// (so a test can compare one worker with two while OpenBLAS's large products stay the same).
    public nonisolated(unsafe) static var workersOverride: Int?

    /// The sets this CPU can run, best first (always ends with `.blas`).
    public static let supported: [RecurrentISA] = Kernels.Build.available.map(RecurrentISA.init(build:))

    /// The sets a CPU with these flags can run, best first: the builds of the element-wise
    /// kernels (``Kernels/Build``), whose modules this microkernel shares, with the baseline
    /// build's place taken by OpenBLAS.
    public static func supported(cpuFlags: Set<String>) -> [RecurrentISA] {
        Kernels.Build.supported(cpuFlags: cpuFlags).map(RecurrentISA.init(build:))
    }

    /// The microkernel of a build of the element-wise kernels, whose modules it shares.
    private init(build: Kernels.Build) {
        switch build {
        case .avx512: self = .avx512
        case .avx2: self = .avx2
        case .baseline: self = .blas
        }
    }

    private static let environmentChoice: RecurrentISA? = {
        guard let name = getenv("RECUR_MICROKERNEL") else { return nil }
        return RecurrentISA(rawValue: String(cString: name).lowercased())
    }()

    /// The set the fused path uses now.
    public static var current: RecurrentISA {
        if let wanted = override ?? environmentChoice {
            return supported.contains(wanted) ? wanted : supported[0]
        }
        return supported[0]
    }

    /// Floats per vector register (0 for `.blas`).
    var lanes: Int {
        switch self {
        case .avx512: RecurKernelsAVX512.PanelProduct.lanes
        case .avx2: RecurKernelsAVX2.PanelProduct.lanes
        case .blas: 0
        }
    }

    /// Columns of one packed panel: four vector registers.
    var panelWidth: Int { 4 * lanes }

    /// Rows `0..<depth` of op(B) (`B` row-major with row length `ldb`, op(B) = Bᵀ when `transposed`)
    /// into `⌈n / panelWidth⌉` panels of `depth × panelWidth` floats for ``panelProduct`` (see
    /// `BlockedProduct.packPanels`).
    func packPanels(transposed: Bool, b: UnsafePointer<Float>, ldb: Int, depth: Int, n: Int,
                    into packed: UnsafeMutablePointer<Float>) {
        switch self {
        case .avx512:
            RecurKernelsAVX512.BlockedProduct.packPanels(transposed: transposed, b: b, ldb: ldb, from: 0, depth: depth, n: n,
                                                         into: packed)
        case .avx2:
            RecurKernelsAVX2.BlockedProduct.packPanels(transposed: transposed, b: b, ldb: ldb, from: 0, depth: depth, n: n,
                                                       into: packed)
        case .blas:
            preconditionFailure("the BLAS path has no panels")
        }
    }

    /// `count` floats of each of `rows` rows from `source` (row stride `sourceStride`) to `target`
    /// (row stride `targetStride`), each target row zero-filled from `count` to `width`
    /// (see `RowCopy.copy`).
    @inline(__always)
    func copyRows(_ rows: Int, from source: UnsafePointer<Float>, stride sourceStride: Int, count: Int,
                  into target: UnsafeMutablePointer<Float>, stride targetStride: Int, width: Int) {
        switch self {
        case .avx512:
            RecurKernelsAVX512.RowCopy.copy(rows: rows, from: source, stride: sourceStride, count: count,
                                            into: target, stride: targetStride, width: width)
        case .avx2:
            RecurKernelsAVX2.RowCopy.copy(rows: rows, from: source, stride: sourceStride, count: count,
                                          into: target, stride: targetStride, width: width)
        case .blas:
            preconditionFailure("the BLAS path has no tiles")
        }
    }

    /// Adds `count` floats of each of `rows` rows of `source` into `target` (see `RowCopy.accumulate`).
    @inline(__always)
    func accumulateRows(_ rows: Int, from source: UnsafePointer<Float>, stride sourceStride: Int, count: Int,
                        into target: UnsafeMutablePointer<Float>, stride targetStride: Int) {
        switch self {
        case .avx512:
            RecurKernelsAVX512.RowCopy.accumulate(rows: rows, from: source, stride: sourceStride, count: count,
                                                  into: target, stride: targetStride)
        case .avx2:
            RecurKernelsAVX2.RowCopy.accumulate(rows: rows, from: source, stride: sourceStride, count: count,
                                                into: target, stride: targetStride)
        case .blas:
            preconditionFailure("the BLAS path has no tiles")
        }
    }

    /// Zeros `count` floats of each of `rows` rows (row stride `stride`).
    @inline(__always)
    func zeroRows(_ rows: Int, _ target: UnsafeMutablePointer<Float>, stride: Int, count: Int) {
        switch self {
        case .avx512: RecurKernelsAVX512.RowCopy.zero(rows: rows, into: target, stride: stride, count: count)
        case .avx2: RecurKernelsAVX2.RowCopy.zero(rows: rows, into: target, stride: stride, count: count)
        case .blas: preconditionFailure("the BLAS path has no tiles")
        }
    }

    /// `C[m×n] += Aᵀ·B`, A read in place and B in ``packPanels`` panels, `tile` `m · panelWidth`
    /// floats of scratch (see `BlockedProduct.accumulateTransposed`).
    @inline(__always)
    func accumulateTransposedProduct(m: Int, n: Int, depth: Int, a: UnsafePointer<Float>, lda: Int,
                                     panels: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
                                     tile: UnsafeMutablePointer<Float>) {
        switch self {
        case .avx512:
            RecurKernelsAVX512.BlockedProduct.accumulateTransposed(m: m, n: n, k: depth, a: a, lda: lda, panels: panels,
                                                                   c: c, ldc: ldc, tile: tile)
        case .avx2:
            RecurKernelsAVX2.BlockedProduct.accumulateTransposed(m: m, n: n, k: depth, a: a, lda: lda, panels: panels,
                                                                 c: c, ldc: ldc, tile: tile)
        case .blas:
            preconditionFailure("the BLAS path has no panels")
        }
    }

    /// `C[r, 0..<panelWidth] = (C or bias or 0) + A[r, 0..<depth] · panel` (see `PanelProduct.run`).
    @inline(__always)
    func panelProduct(rows: Int, depth: Int, a: UnsafePointer<Float>, lda: Int, panel: UnsafePointer<Float>,
                      bias: UnsafePointer<Float>?, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        switch self {
        case .avx512:
            RecurKernelsAVX512.PanelProduct.run(rows: rows, depth: depth, a: a, lda: lda, panel: panel, bias: bias,
                                                c: c, ldc: ldc, accumulate: accumulate)
        case .avx2:
            RecurKernelsAVX2.PanelProduct.run(rows: rows, depth: depth, a: a, lda: lda, panel: panel, bias: bias,
                                              c: c, ldc: ldc, accumulate: accumulate)
        case .blas:
            preconditionFailure("the BLAS path has no panel product")
        }
    }
}
