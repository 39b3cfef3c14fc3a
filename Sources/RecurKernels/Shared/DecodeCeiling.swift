/// The batch-1 products' decoding with nothing around it, for `recur bench sample`: how many bytes
/// of weights a second one core turns into fp32 lanes (fp16: `vcvtph2ps`; bf16: a shift and a
/// mask) or into int32 sums (int8: the pair product's `vpmaddwd`s, or `vpdpbusd` with VNNI; int4:
/// the nibble product's), reading `bytes` at `p` front to back as the products read their panels,
/// with the inputs fixed in registers, no broadcasts, no scales and no stores. No product of that
/// precision can read its weights faster on this core, whatever the memory gives, so set beside
/// the bandwidth bound it says which of the two holds a precision back. Compiled like
/// ``PanelGemv`` (one source in each kernel module), with each module's ``Lane`` and helpers.
///
/// `p`: 64-byte aligned; `bytes`: a multiple of 256. Each returns a sum of what it decoded, so
/// the optimiser keeps the loop.
public enum DecodeCeiling {
    /// fp16: one ``widen(_:)-(HalfLane)`` (`vcvtph2ps`) and one add per ``HalfLane``, four chains.
    public static func halves(_ p: UnsafeRawPointer, bytes: Int) -> Float {
        let stride = MemoryLayout<HalfLane>.size
        var s0 = Lane(), s1 = Lane(), s2 = Lane(), s3 = Lane()
        var o = 0
        while o &+ 4 &* stride <= bytes {
            s0 += widen(p.load(fromByteOffset: o, as: HalfLane.self))
            s1 += widen(p.load(fromByteOffset: o &+ stride, as: HalfLane.self))
            s2 += widen(p.load(fromByteOffset: o &+ 2 &* stride, as: HalfLane.self))
            s3 += widen(p.load(fromByteOffset: o &+ 3 &* stride, as: HalfLane.self))
            o &+= 4 &* stride
        }
        return ((s0 + s1) + (s2 + s3)).sum()
    }

    /// bf16: each ``PairLane`` widened to its two columns as the bf16 product does (a shift left by
    /// 16 and a mask of the top halves), each added, four chains.
    public static func brainPairs(_ p: UnsafeRawPointer, bytes: Int) -> Float {
        let stride = MemoryLayout<PairLane>.size
        var s0 = Lane(), s1 = Lane(), s2 = Lane(), s3 = Lane()
        var o = 0
        while o &+ 2 &* stride <= bytes {
            let v = p.load(fromByteOffset: o, as: PairLane.self), u = p.load(fromByteOffset: o &+ stride, as: PairLane.self)
            s0 += unsafeBitCast(v &<< 16, to: Lane.self)
            s1 += unsafeBitCast(v & 0xFFFF_0000, to: Lane.self)
            s2 += unsafeBitCast(u &<< 16, to: Lane.self)
            s3 += unsafeBitCast(u & 0xFFFF_0000, to: Lane.self)
            o &+= 2 &* stride
        }
        return ((s0 + s1) + (s2 + s3)).sum()
    }

    /// int8: the int8 product's integer multiply-adds for each ``PanelGemv/quadBytes`` of weights —
    /// ``addSplitPairProducts(_:_:_:_:)`` (`vpand`, `vpsraw`, two `vpmaddwd`, two `vpaddd`), or
    /// with VNNI two ``addQuadProducts(_:_:_:)`` (`vpdpbusd`, the low and high input bytes) — four
    /// chains, as its loop keeps.
    public static func int8(_ p: UnsafeRawPointer, bytes: Int) -> Float {
        let stride = PanelGemv.quadBytes
        var s0 = IntLane(), s1 = IntLane(), s2 = IntLane(), s3 = IntLane()
        var o = 0
        #if RECUR_VNNI
        while o &+ 2 &* stride <= bytes {
            s0 = addQuadProducts(s0, p + o, 0x0102_0304); s1 = addQuadProducts(s1, p + o, 0x0506_0708)
            s2 = addQuadProducts(s2, p + (o &+ stride), 0x0102_0304); s3 = addQuadProducts(s3, p + (o &+ stride), 0x0506_0708)
            o &+= 2 &* stride
        }
        #else
        while o &+ 4 &* stride <= bytes {
            s0 = addSplitPairProducts(s0, p + o, 0x0002_0001, 0x0004_0003)
            s1 = addSplitPairProducts(s1, p + (o &+ stride), 0x0002_0001, 0x0004_0003)
            s2 = addSplitPairProducts(s2, p + (o &+ 2 &* stride), 0x0002_0001, 0x0004_0003)
            s3 = addSplitPairProducts(s3, p + (o &+ 3 &* stride), 0x0002_0001, 0x0004_0003)
            o &+= 4 &* stride
        }
        #endif
        return Float(((s0 &+ s1) &+ (s2 &+ s3)).wrappedSum())
    }

    /// int4: the int4 product's ``addNibbleProducts(_:_:_:_:)`` for each ``PanelGemv/octetBytes``,
    /// a group's eight octets alternating between two ``NibbleSums`` and each group closed by two
    /// ``nibbleTotal(_:)``, as its loop does (without its scales and minimums).
    public static func int4(_ p: UnsafeRawPointer, bytes: Int) -> Float {
        let stride = PanelGemv.octetBytes, group = PanelGemv.nibbleGroup / 8
        var total = IntLane()
        var o = 0
        while o &+ group &* stride <= bytes {
            var s0 = NibbleSums(), s1 = NibbleSums()
            for d in Swift.stride(from: 0, to: group, by: 2) {
                addNibbleProducts(&s0, p + (o &+ d &* stride), 0x0102_0304, 0x0506_0708)
                addNibbleProducts(&s1, p + (o &+ (d &+ 1) &* stride), 0x0102_0304, 0x0506_0708)
            }
            total = total &+ (nibbleTotal(s0) &+ nibbleTotal(s1))
            o &+= group &* stride
        }
        return Float(total.wrappedSum())
    }
}
