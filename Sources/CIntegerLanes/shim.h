/* Integer SIMD that Swift has no spelling for, used by the int8 batch-1 product
 * (Sources/RecurKernels/Shared/PanelGemv.swift): int8 weights times int16 inputs summed in
 * pairs (vpmaddwd), and floats rounded to int16. Swift's SIMD types have no pairwise multiply-add,
 * and their float-to-integer conversions are generic calls (SWIFT-NOTES, "SIMD pitfalls").
 *
 * Each function names its instruction set in a target attribute. RecurKernelsAVX512 (built for
 * skylake-avx512) calls only the _512 functions and RecurKernelsAVX2 (haswell) only the _256 ones,
 * so every call inlines into a loop built for that CPU, and neither is reached on a CPU without it. */
#include <immintrin.h>
#include <stdint.h>

#define RECUR_AVX512 __attribute__((target("avx512f,avx512bw"), always_inline)) static inline
#define RECUR_AVX2 __attribute__((target("avx2"), always_inline)) static inline

/* acc + pair products: the 32 int8 at w are 16 (row, column pair) entries, w[2j] and w[2j + 1]
 * row j's weights for the pair's two columns; `pair` holds the two int16 inputs (low, high).
 * Lane j gains w[2j]·x₀ + w[2j + 1]·x₁, exactly (|w| ≤ 127, |x| ≤ 32767). */
RECUR_AVX512 __m512i recur_pair_products_512(__m512i acc, const void *w, int32_t pair) {
    __m512i wide = _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)w));
    return _mm512_add_epi32(acc, _mm512_madd_epi16(wide, _mm512_set1_epi32(pair)));
}

/* The 16 floats at x times `factor`, rounded to the nearest integer (ties to even; the
 * floating-point control word is never changed), saturated to int16 and stored at out. */
RECUR_AVX512 void recur_round_to_int16_512(const float *x, float factor, int16_t *out) {
    __m512i q = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(x), _mm512_set1_ps(factor)));
    _mm256_storeu_si256((__m256i *)out, _mm512_cvtsepi32_epi16(q));
}

/* The AVX2 forms: 16 int8 at w for 8 rows, 8 floats rounded. */
RECUR_AVX2 __m256i recur_pair_products_256(__m256i acc, const void *w, int32_t pair) {
    __m256i wide = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)w));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(wide, _mm256_set1_epi32(pair)));
}

RECUR_AVX2 void recur_round_to_int16_256(const float *x, float factor, int16_t *out) {
    __m256i q = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x), _mm256_set1_ps(factor)));
    _mm_storeu_si128((__m128i *)out, _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1)));
}
