/// One AVX-512 register of floats. This module is compiled with `-target-cpu skylake-avx512`
/// and is only ever called when the CPU has AVX-512F (RecurKit's `RecurrentISA`).
typealias Lane = SIMD16<Float>
