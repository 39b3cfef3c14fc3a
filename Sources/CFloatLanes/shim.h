/* Float SIMD that Swift spells but does not vectorise: `SIMD16<Float>.squareRoot()` and
 * `Float.squareRoot()` become one libm `sqrtf` call per lane, behind a branch for negative inputs
 * (errno), about 2 ns per float on Zen 4; Adam's update spent most of its time there.
 *
 * Clang's elementwise square root is IEEE's correctly rounded one, the bits `sqrtf` gives. The
 * function has no target attribute: Swift's Clang importer compiles it for the importing module's
 * -target-cpu, so it is one `vsqrtps zmm` in RecurKernelsAVX512, two `vsqrtps ymm` in
 * RecurKernelsAVX2 and four `sqrtps` in RecurCore's baseline build (checked in the assembly). */
typedef float recur_floats16 __attribute__((ext_vector_type(16)));

static inline __attribute__((always_inline)) recur_floats16 recur_square_root16(recur_floats16 x) {
    return __builtin_elementwise_sqrt(x);
}
