import Foundation
import RecurCore
import RecurKernelsAVX2
import RecurKernelsAVX512
import RecurKernelsVNNI

/// Which batch-1 product a resident model runs (``PackedMatrix``), chosen from the CPU's flags
/// like OpenBLAS's kernel set (``CPUKernelChoice``).
///
/// The SIMD kernels live in their own targets built with `-target-cpu` (`RecurKernelsAVX512`:
/// 16 lanes, `RecurKernelsAVX2`: 8 lanes), because Recur itself is built for the baseline x86-64
/// without AVX or F16C. `RECUR_RESIDENT_KERNEL=avx2` (or `blas`) forces a narrower path, so the
/// AVX2 code is exercised on an AVX-512 machine too; a forced kernel the CPU lacks is ignored.
public enum ResidentKernel: String, CaseIterable, Sendable {
    /// 16-lane panels, AVX-512 (Skylake-X set) + F16C.
    case avx512
    /// 8-lane panels, AVX2 + FMA + F16C.
    case avx2
    /// Row-major fp32 and `cblas_sgemv`, for CPUs with neither (fp16 weights are then kept as
    /// fp32 values rounded to fp16: the same numbers, no saving).
    case blas

    /// Panel height: the rows one SIMD register holds.
    public var lanes: Int {
        switch self {
        case .avx512: PanelGemvAVX512.width
        case .avx2: PanelGemvAVX2.width
        case .blas: 1
        }
    }

    /// The float sum of `bytes` at `p` (64-byte aligned, a multiple of 256 bytes) read with this
    /// kernel's registers: a read-bandwidth probe for `recur bench sample`. `.blas` reads
    /// with the baseline build's SIMD16 (four SSE loads).
    public func sum(_ p: UnsafeRawPointer, bytes: Int) -> Float {
        switch self {
        case .avx512: return RecurKernelsAVX512.laneSum(p, bytes: bytes)
        case .avx2: return RecurKernelsAVX2.laneSum(p, bytes: bytes)
        case .blas:
            var s = SIMD16<Float>()
            var offset = 0
            while offset + 64 <= bytes {
                s += p.load(fromByteOffset: offset, as: SIMD16<Float>.self)
                offset += 64
            }
            return s.sum()
        }
    }

    /// A sum of `bytes` at `p` (as ``sum(_:bytes:)`` takes them) decoded as this kernel's product
    /// for weights kept in `precision` decodes them, with nothing else (`DecodeCeiling` of the
    /// kernel's module): the ceiling `recur bench sample` sets beside the bandwidth bound. Nil
    /// where the product decodes nothing (fp32, `.blas`) or decodes otherwise (fp16 in split groups).
    public func decoder(for precision: ResidentPrecision) -> (@Sendable (_ p: UnsafeRawPointer, _ bytes: Int) -> Float)? {
        switch (self, precision) {
        case (.blas, _), (_, .fp32): return nil
        case (.avx512, .fp16) where splitsHalves: return nil
        case (.avx512, .int8) where vnni: return RecurKernelsVNNI.DecodeCeiling.int8
        case (.avx512, .int4) where vnni: return RecurKernelsVNNI.DecodeCeiling.int4
        case (.avx512, .fp16): return RecurKernelsAVX512.DecodeCeiling.halves
        case (.avx512, .bf16): return RecurKernelsAVX512.DecodeCeiling.brainPairs
        case (.avx512, .int8): return RecurKernelsAVX512.DecodeCeiling.int8
        case (.avx512, .int4): return RecurKernelsAVX512.DecodeCeiling.int4
        case (.avx2, .fp16): return RecurKernelsAVX2.DecodeCeiling.halves
        case (.avx2, .bf16): return RecurKernelsAVX2.DecodeCeiling.brainPairs
        case (.avx2, .int8): return RecurKernelsAVX2.DecodeCeiling.int8
        case (.avx2, .int4): return RecurKernelsAVX2.DecodeCeiling.int4
        }
    }

    /// Whether a CPU with `cpuFlags` can run this kernel.
    public static func supported(_ kernel: ResidentKernel, cpuFlags: Set<String>) -> Bool {
        switch kernel {
        // skylake-avx512 code may use any of F, CD, BW, DQ and VL.
        case .avx512: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "f16c", "fma"].allSatisfy(cpuFlags.contains)
        case .avx2: ["avx2", "fma", "f16c"].allSatisfy(cpuFlags.contains)
        case .blas: true
        }
    }

    /// The widest kernel this CPU runs, or the one `RECUR_RESIDENT_KERNEL` names when the CPU
    /// runs it.
    public static func choose(cpuFlags: Set<String>, forced: String? = ProcessInfo.processInfo.environment["RECUR_RESIDENT_KERNEL"]) -> ResidentKernel {
        if let forced, let kernel = ResidentKernel(rawValue: forced.lowercased()), supported(kernel, cpuFlags: cpuFlags) {
            return kernel
        }
        return allCases.first { supported($0, cpuFlags: cpuFlags) }!
    }

    /// This machine's choice, read once.
    public static let current: ResidentKernel = choose(cpuFlags: CPUKernelChoice.cpuFlags())

    /// The kernel for weights kept in `precision`: `widest` (``current``), except fp32 weights on
    /// a CPU that runs 512-bit instructions as two 256-bit halves (`splitsAVX512`, a Zen 4), which
    /// take the AVX2 kernel unless `RECUR_RESIDENT_KERNEL` (`forced`) names one.
    ///
    /// An fp32 product only streams its weights from L3 (about one FMA per 4 bytes read), and on
    /// Zen 4 256-bit loads read them faster: `recur bench sample`, 2×512 LSTM, fp32 6,843–6,921
    /// chars/s against 6,470–6,583 on one thread, 14,345–14,423 against 13,551–13,741 on two. The
    /// other precisions spend more instructions per byte and keep the wider kernel (bf16 8,864
    /// against 12,309 on AVX2).
    public static func preferred(for precision: ResidentPrecision, widest: ResidentKernel = .current,
                                 splitsAVX512: Bool = CPUKernelChoice.splitsAVX512(),
                                 forced: String? = ProcessInfo.processInfo.environment["RECUR_RESIDENT_KERNEL"]) -> ResidentKernel {
        guard forced == nil, precision == .fp32, widest == .avx512, splitsAVX512 else { return widest }
        return .avx2
    }

    /// Whether the int8 and int4 products may use VNNI's `vpdpbusd` (four byte products summed
    /// into int32 in one instruction; RecurKernelsVNNI, the int8 weights then in column quads) on a CPU with
    /// `cpuFlags`: the AVX-512 kernel on a CPU with AVX512-VNNI. `forced` `0` (`RECUR_RESIDENT_VNNI=0`) turns it off, to time and test
    /// the other path.
    public func hasVNNI(cpuFlags: Set<String>, forced: String? = ProcessInfo.processInfo.environment["RECUR_RESIDENT_VNNI"]) -> Bool {
        forced != "0" && self == .avx512 && cpuFlags.contains("avx512_vnni")
    }

    /// ``hasVNNI(cpuFlags:forced:)`` on this machine, read once.
    public var vnni: Bool { Self.vnniKernels.contains(self) }
    private static let vnniKernels: Set<ResidentKernel> = {
        let flags = CPUKernelChoice.cpuFlags()
        return Set(allCases.filter { $0.hasVNNI(cpuFlags: flags) })
    }()

    /// Whether fp16 weights go in split groups (`PanelGemv.multiply(splitHalfPanels:…)`, half the
    /// columns decoded in integers beside `vcvtph2ps`): the AVX-512 kernel on a CPU that splits
    /// 512-bit instructions (`splitsAVX512`, a Zen 4), whose conversion takes one register per two
    /// cycles. There the panel loop ran 11–12% faster with the same bits (2,048 × 1,536 fp16 from
    /// L3: 105.4 → 94.5 µs); with AVX2 registers it ran 2–5% slower, and Intel's and Zen 5's
    /// conversions were not timed, so they keep plain panels. `forced` `0`
    /// (`RECUR_RESIDENT_SPLIT_HALVES=0`) turns it off, to time and test the other layout.
    public func splitsHalves(splitsAVX512: Bool = CPUKernelChoice.splitsAVX512(),
                             forced: String? = ProcessInfo.processInfo.environment["RECUR_RESIDENT_SPLIT_HALVES"]) -> Bool {
        forced != "0" && self == .avx512 && splitsAVX512
    }

    /// ``splitsHalves(splitsAVX512:forced:)`` on this machine, read once.
    public var splitsHalves: Bool { Self.splitHalvesKernels.contains(self) }
    private static let splitHalvesKernels: Set<ResidentKernel> = Set(allCases.filter { $0.splitsHalves() })
}

/// How resident weights are stored: `fp32`; `fp16` (half the bytes a step reads; each weight
/// rounded to the nearest fp16); `bf16` (half the bytes too; each weight rounded to the nearest
/// bfloat16, fp32's exponent with 8 significant bits, which widens to fp32 by a shift, so its
/// product keeps up with the memory where fp16's conversion does not; ``BrainFloat``); `int8` (a
/// quarter: each row of a matrix scaled so its largest magnitude is 127, each weight rounded to the
/// nearest step of that scale, as PyTorch's dynamic quantization stores weights); or `int4`
/// (about a seventh: 4 bits a weight, a scale and a minimum per row and group of 64 columns,
/// ``Int4Groups``). fp32, fp16 and bf16 products are summed in fp32, the last two exactly as the
/// fp32 product on the rounded weights; int8 ones, on the SIMD kernels, in int32 with each
/// product's input rounded to int16 steps of its largest magnitude / 32767 (PyTorch rounds it to 8
/// bits), then scaled to fp32 per row; int4 ones in int32 per group with the input rounded to 8
/// bits, then scaled per group.
public enum ResidentPrecision: String, CaseIterable, Sendable {
    case fp32, fp16, bf16, int8, int4

    /// The values a row of weights is kept as.
    public func rounded(row: [Float]) -> [Float] {
        switch self {
        case .fp32: return row
        case .fp16: return row.map { Float(Float16($0)) }
        case .bf16: return row.map { BrainFloat.widen(BrainFloat.round($0)) }
        case .int8:
            let scale = Int8Rows.scale(rowMax: row.reduce(0) { max($0, abs($1)) })
            return row.map { Float(Int8Rows.quantize($0, scale: scale)) * scale }
        case .int4: return Int4Groups.rounded(row: row)
        }
    }
}

/// bfloat16: the top 16 bits of an fp32 (sign, 8 exponent bits, 7 stored significand bits).
public enum BrainFloat {
    /// `x` rounded to the nearest bfloat16, ties to even; NaN stays a (quiet) NaN, and a value
    /// past the largest bfloat16 (about 3.39e38) becomes ±∞, as the rounding of any float type does.
    public static func round(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        guard !x.isNaN else { return UInt16(truncatingIfNeeded: (bits | 0x0040_0000) >> 16) }
        // Adding 0x7FFF plus the kept part's lowest bit rounds the dropped half to nearest, ties
        // to even; a carry into the exponent is the correct rounding up (to ∞ at the top).
        return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    }

    /// The fp32 a bfloat16 stands for (exact).
    public static func widen(_ b: UInt16) -> Float { Float(bitPattern: UInt32(b) << 16) }
}

/// Symmetric per-row int8 quantization: `scale = max |w| / 127`, `q = round(w / scale)`.
public enum Int8Rows {
    public static func scale(rowMax: Float) -> Float { rowMax / 127 }

    public static func quantize(_ w: Float, scale: Float) -> Int8 {
        guard scale > 0 else { return 0 }
        return Int8(max(-127, min(127, (w / scale).rounded(.toNearestOrEven))))
    }
}

typealias PanelGemvAVX512 = RecurKernelsAVX512.PanelGemv
typealias PanelGemvAVX2 = RecurKernelsAVX2.PanelGemv
typealias PanelGemvVNNI = RecurKernelsVNNI.PanelGemv
