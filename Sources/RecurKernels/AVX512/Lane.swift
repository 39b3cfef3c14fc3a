import CIntegerLanes

/// One AVX-512 register of floats. This module is compiled with `-target-cpu skylake-avx512`
/// and is only ever called when the CPU has AVX-512F (RecurKit's `RecurrentISA` and
/// `ResidentKernel`); RecurKernelsVNNI compiles this file too, for `cascadelake`.
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

/// 16 bf16 column pairs, one load of ``PanelGemv``'s bf16 panels: lane j holds row j's weight of
/// the first column in its low half and of the second in its high half.
typealias PairLane = SIMD16<UInt32>

/// 16 int32 sums: the accumulators of the int8 product (``addSplitPairProducts(_:_:_:_:)``).
typealias IntLane = SIMD16<Int32>

/// `acc` plus, in lane j, `(w₀ + 128)·x₀ + (w₁ + 128)·x₁ + w₂·x₂ + w₃·x₃` for row j's block of four
/// int8 weights at `w` (lane j's bytes `w₀ + 128, w₂, w₁ + 128, w₃`) and the int16 pairs `low`
/// (x₀, x₁) and `high` (x₂, x₃): `vpand`, `vpsraw`, two `vpmaddwd`, two `vpaddd` (CIntegerLanes).
/// The caller takes off `128·(x₀ + x₁)`. `__m512i` imports as `SIMD8<Int64>`.
@inline(__always)
func addSplitPairProducts(_ acc: IntLane, _ w: UnsafeRawPointer, _ low: Int32, _ high: Int32) -> IntLane {
    unsafeBitCast(recur_split_pair_products_512(unsafeBitCast(acc, to: SIMD8<Int64>.self), w, low, high), to: IntLane.self)
}

#if RECUR_VNNI
/// `acc` plus, in lane j, `Σ_b w[4j + b]·bytes[b]` for the 64 int8 weights at `w` (16 rows × 4
/// columns) and four unsigned input bytes (one `vpdpbusd`; CIntegerLanes).
@inline(__always)
func addQuadProducts(_ acc: IntLane, _ w: UnsafeRawPointer, _ bytes: Int32) -> IntLane {
    unsafeBitCast(recur_quad_products_512_vnni(unsafeBitCast(acc, to: SIMD8<Int64>.self), w, bytes), to: IntLane.self)
}

/// 32 int16 at `r` as their low bytes (`low`) and their high bytes + 128 (`high`), both unsigned.
@inline(__always)
func splitInt16(_ r: UnsafePointer<Int16>, low: UnsafeMutablePointer<UInt8>, high: UnsafeMutablePointer<UInt8>) {
    recur_split_int16_512(r, low, high)
}
#endif

/// The ``Lane`` of floats at `x` times `factor`, rounded to even and saturated, to int16 at `out`.
@inline(__always)
func roundToInt16(_ x: UnsafePointer<Float>, _ factor: Float, _ out: UnsafeMutablePointer<Int16>) {
    recur_round_to_int16_512(x, factor, out)
}

/// int32 → fp32 (`vcvtdq2ps`), in halves for the reason ``widen(_:)-(HalfLane)`` gives.
@inline(__always)
func widen(_ v: IntLane) -> Lane { Lane(lowHalf: SIMD8<Float>(v.lowHalf), highHalf: SIMD8<Float>(v.highHalf)) }

/// `sums` plus, in lane j, row j's 4-bit weights at `w` (64 bytes: the low nibbles of bytes
/// 4j … 4j + 3 for four columns, the high nibbles for the next four) times the int8 inputs packed
/// in `low` and `high` (CIntegerLanes): in RecurKernelsVNNI, which compiles this file with
/// `RECUR_VNNI` for `cascadelake`, one `vpdpbusd` into each of ``NibbleSums``' two accumulators;
/// else `vpmaddubsw` twice into `low`'s int16 halves, at most four calls before
/// ``nibbleTotal(_:)``.
@inline(__always)
func addNibbleProducts(_ sums: inout NibbleSums, _ w: UnsafeRawPointer, _ low: Int32, _ high: Int32) {
    #if RECUR_VNNI
    sums.low = unsafeBitCast(recur_low_nibble_products_512_vnni(unsafeBitCast(sums.low, to: SIMD8<Int64>.self), w, low),
                             to: IntLane.self)
    sums.high = unsafeBitCast(recur_high_nibble_products_512_vnni(unsafeBitCast(sums.high, to: SIMD8<Int64>.self), w, high),
                              to: IntLane.self)
    #else
    sums.low = unsafeBitCast(recur_nibble_products_512(unsafeBitCast(sums.low, to: SIMD8<Int64>.self), w, low, high), to: IntLane.self)
    #endif
}

/// The int32 sums of ``NibbleSums``: with VNNI `low + high / 16`, else `low`'s int16 halves
/// added (`vpmaddwd` by ones; CIntegerLanes).
@inline(__always)
func nibbleTotal(_ sums: NibbleSums) -> IntLane {
    #if RECUR_VNNI
    unsafeBitCast(recur_nibble_total_512_vnni(unsafeBitCast(sums.low, to: SIMD8<Int64>.self), unsafeBitCast(sums.high, to: SIMD8<Int64>.self)),
                  to: IntLane.self)
    #else
    unsafeBitCast(recur_nibble_total_512(unsafeBitCast(sums.low, to: SIMD8<Int64>.self)), to: IntLane.self)
    #endif
}

/// The ``Lane`` of floats at `x` times `factor` (|x · factor| ≤ 127), rounded to even, to int8 at `out`.
@inline(__always)
func roundToInt8(_ x: UnsafePointer<Float>, _ factor: Float, _ out: UnsafeMutablePointer<Int8>) {
    recur_round_to_int8_512(x, factor, out)
}
