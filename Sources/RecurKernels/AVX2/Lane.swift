import CIntegerLanes

/// One AVX2 register of floats. This module is compiled with `-target-cpu haswell` (AVX2 + FMA
/// + F16C) and is only ever called when the CPU has them (RecurKit's `RecurrentISA` and
/// `ResidentKernel`).
typealias Lane = SIMD8<Float>
/// 8 fp16 values: what one `vcvtph2ps xmm → ymm` widens into a ``Lane``.
typealias HalfLane = SIMD8<Float16>

/// fp16 → fp32 as one `vcvtph2ps xmm/m128 → ymm` (F16C; checked in the assembly).
@inline(__always)
func widen(_ h: HalfLane) -> Lane { Lane(h) }

/// 8 bf16 column pairs, one load of ``PanelGemv``'s bf16 panels: lane j holds row j's weight of
/// the first column in its low half and of the second in its high half.
typealias PairLane = SIMD8<UInt32>

/// 8 int32 sums: the accumulators of the int8 product (``addSplitPairProducts(_:_:_:_:)``).
typealias IntLane = SIMD8<Int32>

/// `acc` plus, in lane j, `(w₀ + 128)·x₀ + (w₁ + 128)·x₁ + w₂·x₂ + w₃·x₃` for row j's block of four
/// int8 weights at `w` (lane j's bytes `w₀ + 128, w₂, w₁ + 128, w₃`) and the int16 pairs `low`
/// (x₀, x₁) and `high` (x₂, x₃): `vpand`, `vpsraw`, two `vpmaddwd`, two `vpaddd` (CIntegerLanes).
/// The caller takes off `128·(x₀ + x₁)`. `__m256i` imports as `SIMD4<Int64>`.
@inline(__always)
func addSplitPairProducts(_ acc: IntLane, _ w: UnsafeRawPointer, _ low: Int32, _ high: Int32) -> IntLane {
    unsafeBitCast(recur_split_pair_products_256(unsafeBitCast(acc, to: SIMD4<Int64>.self), w, low, high), to: IntLane.self)
}

/// The ``Lane`` of floats at `x` times `factor`, rounded to even and saturated, to int16 at `out`.
@inline(__always)
func roundToInt16(_ x: UnsafePointer<Float>, _ factor: Float, _ out: UnsafeMutablePointer<Int16>) {
    recur_round_to_int16_256(x, factor, out)
}

/// int32 → fp32 (`vcvtdq2ps`).
@inline(__always)
func widen(_ v: IntLane) -> Lane { Lane(v) }

/// `sums.low` plus, in lane j's two int16 halves, row j's 4-bit weights at `w` (32 bytes: the low
/// nibbles of bytes 4j … 4j + 3 for four columns, the high nibbles for the next four) times the
/// int8 inputs packed in `low` and `high`: `vpmaddubsw` twice and two `vpaddw` (CIntegerLanes).
/// At most four calls per ``NibbleSums`` before ``nibbleTotal(_:)``, or the int16 halves overflow.
@inline(__always)
func addNibbleProducts(_ sums: inout NibbleSums, _ w: UnsafeRawPointer, _ low: Int32, _ high: Int32) {
    sums.low = unsafeBitCast(recur_nibble_products_256(unsafeBitCast(sums.low, to: SIMD4<Int64>.self), w, low, high), to: IntLane.self)
}

/// The int32 sums of ``NibbleSums``: `low`'s int16 halves added (`vpmaddwd` by ones).
@inline(__always)
func nibbleTotal(_ sums: NibbleSums) -> IntLane {
    unsafeBitCast(recur_nibble_total_256(unsafeBitCast(sums.low, to: SIMD4<Int64>.self)), to: IntLane.self)
}

/// The ``Lane`` of floats at `x` times `factor` (|x · factor| ≤ 127), rounded to even, to int8 at `out`.
@inline(__always)
func roundToInt8(_ x: UnsafePointer<Float>, _ factor: Float, _ out: UnsafeMutablePointer<Int8>) {
    recur_round_to_int8_256(x, factor, out)
}
