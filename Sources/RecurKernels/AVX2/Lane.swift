/// One AVX2 register of floats. This module is compiled with `-target-cpu haswell` (AVX2 + FMA)
/// and is only ever called when the CPU has both (RecurKit's `RecurrentISA`).
typealias Lane = SIMD8<Float>
