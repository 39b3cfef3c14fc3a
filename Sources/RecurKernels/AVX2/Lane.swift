/// One AVX2 register of floats. This module is compiled with `-target-cpu haswell` (AVX2 + FMA
/// + F16C) and is only ever called when the CPU has them (RecurKit's `RecurrentISA` and
/// `ResidentKernel`).
typealias Lane = SIMD8<Float>
/// 8 fp16 values: what one `vcvtph2ps xmm → ymm` widens into a ``Lane``.
typealias HalfLane = SIMD8<Float16>

/// fp16 → fp32 as one `vcvtph2ps xmm/m128 → ymm` (F16C; checked in the assembly).
@inline(__always)
func widen(_ h: HalfLane) -> Lane { Lane(h) }
/// 8 int8 values: what one `vpmovsxbd xmm/m64 → ymm` widens.
typealias ByteLane = SIMD8<Int8>

/// int8 → fp32 (`vpmovsxbd`, `vcvtdq2ps`).
@inline(__always)
func widen(_ b: ByteLane) -> Lane { Lane(SIMD8<Int32>(truncatingIfNeeded: b)) }
