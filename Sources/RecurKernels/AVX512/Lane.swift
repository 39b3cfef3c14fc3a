/// One AVX-512 register of floats. This module is compiled with `-target-cpu skylake-avx512`
/// and is only ever called when the CPU has AVX-512F (RecurKit's `RecurrentISA` and
/// `ResidentKernel`).
typealias Lane = SIMD16<Float>
/// 16 fp16 values: what one `vcvtph2ps ymm → zmm` widens into a ``Lane``.
typealias HalfLane = SIMD16<Float16>

/// fp16 → fp32 as one `vcvtph2ps ymm/m256 → zmm`. Written as two halves on purpose: Swift's
/// `SIMD16<Float>(SIMD16<Float16>)` is a generic initialiser that stays an out-of-line call
/// (the loop then spills its accumulators around it), while each `SIMD8` conversion inlines
/// and LLVM merges the two (checked in the assembly).
@inline(__always)
func widen(_ h: HalfLane) -> Lane {
    Lane(lowHalf: SIMD8<Float>(h.lowHalf), highHalf: SIMD8<Float>(h.highHalf))
}
/// 16 int8 values: what one `vpmovsxbd xmm/m128 → zmm` widens.
typealias ByteLane = SIMD16<Int8>

/// int8 → fp32 (`vpmovsxbd`, `vcvtdq2ps`), in halves for the reason ``widen(_:)-(HalfLane)`` gives.
@inline(__always)
func widen(_ b: ByteLane) -> Lane {
    Lane(lowHalf: SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: b.lowHalf)),
         highHalf: SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: b.highHalf)))
}
