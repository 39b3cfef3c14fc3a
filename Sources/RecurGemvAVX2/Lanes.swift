/// 8 fp32 lanes: one ymm register (AVX2).
public typealias Lanes = SIMD8<Float>
/// 8 fp16 lanes.
public typealias HalfLanes = SIMD8<Float16>

/// fp16 → fp32 as one `vcvtph2ps xmm/m128 → ymm` (F16C; checked in the assembly).
@inline(__always)
func widen(_ h: HalfLanes) -> Lanes { Lanes(h) }
