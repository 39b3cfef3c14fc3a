/// 16 fp32 lanes: one zmm register (AVX-512).
public typealias Lanes = SIMD16<Float>
/// 16 fp16 lanes.
public typealias HalfLanes = SIMD16<Float16>

/// fp16 → fp32 as one `vcvtph2ps ymm/m256 → zmm`. Written as two halves on purpose: Swift's
/// `SIMD16<Float>(SIMD16<Float16>)` is a generic initialiser that stays an out-of-line call
/// (the loop then spills its accumulators around it), while each `SIMD8` conversion inlines
/// and LLVM merges the two (checked in the assembly).
@inline(__always)
func widen(_ h: HalfLanes) -> Lanes {
    Lanes(lowHalf: SIMD8<Float>(h.lowHalf), highHalf: SIMD8<Float>(h.highHalf))
}
