import RecurKernelsAVX2
import RecurKernelsAVX512

extension Kernels {
    /// The GRU candidate's pre-activation `pre = x + r ⊙ hn` over `count` units, in the ``Build``
    /// this CPU runs (``GRUGates``; the builds give the same bits).
    public static func gruCandidate(_ x: UnsafePointer<Float>, r: UnsafePointer<Float>, hn: UnsafePointer<Float>,
                                    into pre: UnsafeMutablePointer<Float>, count: Int) {
        switch Build.current {
        case .avx512: RecurKernelsAVX512.GRUGates.candidate(x, r: r, hn: hn, into: pre, count: count)
        case .avx2: RecurKernelsAVX2.GRUGates.candidate(x, r: r, hn: hn, into: pre, count: count)
        case .baseline: RecurCore.GRUGates.candidate(x, r: r, hn: hn, into: pre, count: count)
        }
    }

    /// The GRU's new state `h = (1 − z) ⊙ n + z ⊙ h₋₁` over `count` units.
    public static func gruBlend(z: UnsafePointer<Float>, n: UnsafePointer<Float>, previous: UnsafePointer<Float>,
                                into h: UnsafeMutablePointer<Float>, count: Int) {
        switch Build.current {
        case .avx512: RecurKernelsAVX512.GRUGates.blend(z: z, n: n, previous: previous, into: h, count: count)
        case .avx2: RecurKernelsAVX2.GRUGates.blend(z: z, n: n, previous: previous, into: h, count: count)
        case .baseline: RecurCore.GRUGates.blend(z: z, n: n, previous: previous, into: h, count: count)
        }
    }

    /// The GRU gates' backward (``GRUGates/backward(rows:hidden:cache:previous:gradH:gradGx:gradGh:gradPrevious:)``):
    /// from ∂h `[H]` per row and the cache `[4H]` = r, z, n, hn, ∂gx and ∂gh `[3H]` and ∂h₋₁ = ∂h ⊙ z.
    public static func gruGatesBackward(rows: Int, hidden: Int, cache: UnsafePointer<Float>, previous: UnsafePointer<Float>,
                                        gradH: UnsafePointer<Float>, gradGx: UnsafeMutablePointer<Float>,
                                        gradGh: UnsafeMutablePointer<Float>, gradPrevious: UnsafeMutablePointer<Float>) {
        switch Build.current {
        case .avx512:
            RecurKernelsAVX512.GRUGates.backward(rows: rows, hidden: hidden, cache: cache, previous: previous, gradH: gradH,
                                                 gradGx: gradGx, gradGh: gradGh, gradPrevious: gradPrevious)
        case .avx2:
            RecurKernelsAVX2.GRUGates.backward(rows: rows, hidden: hidden, cache: cache, previous: previous, gradH: gradH,
                                               gradGx: gradGx, gradGh: gradGh, gradPrevious: gradPrevious)
        case .baseline:
            RecurCore.GRUGates.backward(rows: rows, hidden: hidden, cache: cache, previous: previous, gradH: gradH,
                                        gradGx: gradGx, gradGh: gradGh, gradPrevious: gradPrevious)
        }
    }
}
