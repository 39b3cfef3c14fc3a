/* Integer SIMD that Swift has no spelling for, used by the int8 and int4 batch-1 products
 * (Sources/RecurKernels/Shared/PanelGemv.swift): int8 weights times int16 inputs summed in
 * pairs (vpmaddwd, the weights split out of 16-bit words), 4-bit weights times int8 inputs
 * summed in fours (vpdpbusd, or vpmaddubsw and vpmaddwd without VNNI), and floats rounded to
 * int16 or int8. Swift's SIMD types have no pairwise multiply-add, and their float-to-integer
 * conversions are generic calls (SWIFT-NOTES, "SIMD pitfalls").
 *
 * Each function names its instruction set in a target attribute. RecurKernelsAVX512 (built for
 * skylake-avx512) calls only the _512 functions and RecurKernelsAVX2 (haswell) only the _256 ones,
 * so every call inlines into a loop built for that CPU, and neither is reached on a CPU without it.
 * The _vnni form needs AVX512-VNNI besides: only RecurKernelsVNNI (built for cascadelake, the
 * Skylake-X set plus VNNI) calls it, and RecurKit reaches that module only when the CPU lists
 * avx512_vnni (ResidentKernel.vnni). Inlined into a loop built without VNNI it would not compile. */
#include <immintrin.h>
#include <stdint.h>

#define RECUR_AVX512 __attribute__((target("avx512f,avx512bw"), always_inline)) static inline
#define RECUR_AVX2 __attribute__((target("avx2"), always_inline)) static inline
#define RECUR_AVX512_VNNI __attribute__((target("avx512f,avx512bw,avx512vnni"), always_inline)) static inline

/* acc + the products of one block of four columns in int8 (16 rows): lane j's four bytes at w
 * are row j's weights as (w₀ + 128, w₂, w₁ + 128, w₃), so its two int16 words hold the first
 * pair's weights, offset to 0 … 255, in their low bytes and the second pair's in their high
 * bytes. One vpand and one vpsraw give both pairs as int16 (the low bytes zero-extended, the
 * high ones sign-extended), where vpmovsxbw widened 32 bytes per instruction on one port;
 * `low` and `high` hold each pair's two int16 inputs. Lane j gains
 * (w₀ + 128)·x₀ + (w₁ + 128)·x₁ + w₂·x₂ + w₃·x₃, each pair's sum exact in int32 (≤ 2 · 255 ·
 * 32767); the caller takes 128·(x₀ + x₁) off per block, summed over a chunk, and wrapping int32
 * arithmetic gives the chunk's true sum exactly, which fits. */
RECUR_AVX512 __m512i recur_split_pair_products_512(__m512i acc, const void *w, int32_t low, int32_t high) {
    __m512i v = _mm512_loadu_si512(w);
    __m512i lows = _mm512_and_si512(v, _mm512_set1_epi16(0x00FF)), highs = _mm512_srai_epi16(v, 8);
    return _mm512_add_epi32(acc, _mm512_add_epi32(_mm512_madd_epi16(lows, _mm512_set1_epi32(low)),
                                                  _mm512_madd_epi16(highs, _mm512_set1_epi32(high))));
}

/* int8 weights in column quads (VNNI only): lane j's four bytes at w are row j's weights for four
 * columns, `bytes` four unsigned bytes of the input, one per column. vpdpbusd multiplies unsigned
 * by signed bytes and adds each lane's four products to acc: lane j gains Σ_b w[4j + b]·bytes[b],
 * exactly (|w| ≤ 127, bytes ≤ 255). The int16 inputs go in as two such byte sets (see
 * recur_split_int16_512), so one 64-byte load of weights feeds two instructions of 64 products
 * each, where VNNI's vpdpwssd took 32 weights widened to int16 (vpmovsxbw) per instruction:
 * 22.8k → 26.1k chars/s sampling a 2×512 LSTM in int8 on Zen 4, one thread. */
RECUR_AVX512_VNNI __m512i recur_quad_products_512_vnni(__m512i acc, const void *w, int32_t bytes) {
    return _mm512_dpbusd_epi32(acc, _mm512_set1_epi32(bytes), _mm512_loadu_si512(w));
}

/* The 32 int16 at r as unsigned bytes: their low bytes to lo, their high bytes + 128 to hi, so
 * r = 256 · (hi − 128) + lo with both in 0 … 255 (vpdpbusd's unsigned operand). */
RECUR_AVX512 void recur_split_int16_512(const int16_t *r, uint8_t *lo, uint8_t *hi) {
    __m512i v = _mm512_loadu_si512(r);
    _mm256_storeu_si256((__m256i *)lo, _mm512_cvtepi16_epi8(v));
    _mm256_storeu_si256((__m256i *)hi, _mm512_cvtepi16_epi8(_mm512_add_epi16(_mm512_srai_epi16(v, 8), _mm512_set1_epi16(128))));
}

/* The 16 floats at x times `factor`, rounded to the nearest integer (ties to even; the
 * floating-point control word is never changed), saturated to int16 and stored at out. */
RECUR_AVX512 void recur_round_to_int16_512(const float *x, float factor, int16_t *out) {
    __m512i q = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(x), _mm512_set1_ps(factor)));
    _mm256_storeu_si256((__m256i *)out, _mm512_cvtsepi32_epi16(q));
}

/* The AVX2 forms: 32 bytes at w for 8 rows, 8 floats rounded. */
RECUR_AVX2 __m256i recur_split_pair_products_256(__m256i acc, const void *w, int32_t low, int32_t high) {
    __m256i v = _mm256_loadu_si256((const __m256i *)w);
    __m256i lows = _mm256_and_si256(v, _mm256_set1_epi16(0x00FF)), highs = _mm256_srai_epi16(v, 8);
    return _mm256_add_epi32(acc, _mm256_add_epi32(_mm256_madd_epi16(lows, _mm256_set1_epi32(low)),
                                                  _mm256_madd_epi16(highs, _mm256_set1_epi32(high))));
}

RECUR_AVX2 void recur_round_to_int16_256(const float *x, float factor, int16_t *out) {
    __m256i q = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x), _mm256_set1_ps(factor)));
    _mm_storeu_si128((__m128i *)out, _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1)));
}

/* Nibble products: lane j's four bytes at w (bytes 4j … 4j + 3) hold row j's 4-bit weights
 * (0 … 15) for four columns in their low nibbles and for the next four in their high nibbles;
 * `low` and `high` are the four int8 inputs of each set. 64 bytes: 16 rows × 8 columns.
 *
 * With VNNI each set goes to its own accumulator, each function one vpdpbusd (the two load the
 * same 64 bytes; the compiler keeps one load): lane j of `acc` gains Σ_b lo(w[4j + b])·low[b],
 * or 16 · Σ_b hi(w[4j + b])·high[b] — the high nibbles stay in place (16·q ≤ 240 as vpdpbusd's
 * unsigned byte), one vpandn where a shift and a vpand would be; recur_nibble_total_512_vnni
 * divides once per group. Each term is exact (≤ 240 · 128). vpdpbusd's latency is four times
 * its reciprocal throughput (4 cycles, 2 per cycle on Zen 5), so the two chained into one
 * accumulator halved the product's speed there. (A struct of two __m512i would be one call,
 * but Swift does not import a function returning one.) */
RECUR_AVX512_VNNI __m512i recur_low_nibble_products_512_vnni(__m512i acc, const void *w, int32_t low) {
    return _mm512_dpbusd_epi32(acc, _mm512_and_si512(_mm512_loadu_si512(w), _mm512_set1_epi8(0x0F)), _mm512_set1_epi32(low));
}

RECUR_AVX512_VNNI __m512i recur_high_nibble_products_512_vnni(__m512i acc, const void *w, int32_t high) {
    return _mm512_dpbusd_epi32(acc, _mm512_andnot_si512(_mm512_set1_epi8(0x0F), _mm512_loadu_si512(w)), _mm512_set1_epi32(high));
}

/* low + high / 16: the high set's sums are exact multiples of 16 (≤ 64 · 240 · 128 in
 * magnitude per group), so the arithmetic shift is an exact division. */
RECUR_AVX512_VNNI __m512i recur_nibble_total_512_vnni(__m512i low, __m512i high) {
    return _mm512_add_epi32(low, _mm512_srai_epi32(high, 4));
}

/* Without VNNI, both sets into one accumulator of int16 pairs (vpmaddubsw: each pair ≤
 * 2 · 15 · 128, the two sets' sum ≤ 7,680 per call, no saturation), so up to four calls add
 * without overflow (≤ 30,720 < 2¹⁵); recur_nibble_total_512 then widens them to int32 fours
 * (vpmaddwd by ones), once per group where every call paid a vpmaddwd and a vpaddd. */
RECUR_AVX512 __m512i recur_nibble_products_512(__m512i acc, const void *w, int32_t low, int32_t high) {
    __m512i v = _mm512_loadu_si512(w), mask = _mm512_set1_epi8(0x0F);
    __m512i pairs = _mm512_add_epi16(_mm512_maddubs_epi16(_mm512_and_si512(v, mask), _mm512_set1_epi32(low)),
                                     _mm512_maddubs_epi16(_mm512_and_si512(_mm512_srli_epi16(v, 4), mask), _mm512_set1_epi32(high)));
    return _mm512_add_epi16(acc, pairs);
}

/* Lane j's int32 sum of the int16 pairs in acc (recur_nibble_products_512). */
RECUR_AVX512 __m512i recur_nibble_total_512(__m512i acc) {
    return _mm512_madd_epi16(acc, _mm512_set1_epi16(1));
}

/* The 16 floats at x times `factor` (|x · factor| ≤ 127), rounded to even, stored as int8 at out. */
RECUR_AVX512 void recur_round_to_int8_512(const float *x, float factor, int8_t *out) {
    __m512i q = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(x), _mm512_set1_ps(factor)));
    _mm_storeu_si128((__m128i *)out, _mm512_cvtsepi32_epi8(q));
}

/* The 256-bit forms: 32 bytes, 8 rows × 8 columns, into int16 pairs as above; their int32 total;
 * and 8 floats rounded. */
RECUR_AVX2 __m256i recur_nibble_products_256(__m256i acc, const void *w, int32_t low, int32_t high) {
    __m256i v = _mm256_loadu_si256((const __m256i *)w), mask = _mm256_set1_epi8(0x0F);
    __m256i pairs = _mm256_add_epi16(_mm256_maddubs_epi16(_mm256_and_si256(v, mask), _mm256_set1_epi32(low)),
                                     _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(v, 4), mask), _mm256_set1_epi32(high)));
    return _mm256_add_epi16(acc, pairs);
}

RECUR_AVX2 __m256i recur_nibble_total_256(__m256i acc) {
    return _mm256_madd_epi16(acc, _mm256_set1_epi16(1));
}

RECUR_AVX2 void recur_round_to_int8_256(const float *x, float factor, int8_t *out) {
    __m256i q = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x), _mm256_set1_ps(factor)));
    __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
    _mm_storel_epi64((__m128i *)out, _mm_packs_epi16(words, words));
}
