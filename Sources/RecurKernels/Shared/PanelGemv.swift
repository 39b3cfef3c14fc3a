/// The batch-1 matrix–vector product of resident inference, on weights packed in panels of
/// ``PanelGemv/width`` rows, in fp32, fp16 (plain, or in split groups of four columns), bf16 (in
/// column pairs), int8 (in column quads) or int4 (in octets of columns). This one source is
/// compiled twice, by the targets `RecurKernelsAVX512` (`-target-cpu skylake-avx512`, ``Lane`` =
/// `SIMD16`) and `RecurKernelsAVX2` (`-target-cpu haswell`, `SIMD8`), each with its own ``Lane``:
/// Swift has no per-function target attribute, and code built for the baseline x86-64 has neither
/// AVX nor F16C, so a SIMD16 loop there runs as four SSE halves and an fp16 load converts one
/// scalar at a time in software. RecurKernelsVNNI compiles it a third time, with the AVX-512
/// ``Lane``, for `cascadelake` (the int4 product's `vpdpbusd`). RecurKit picks the module from the
/// CPU's flags at run time (``ResidentKernel``).
///
/// Packed layout of A `[m, n]`: panel p (rows p·W ..< p·W + W, zero rows past m) is n vectors
/// of W lanes, vector k holding column k: `panels[(p·n + k)·W + j] = A[p·W + j, k]`. A step
/// then reads the weights once, front to back, and each panel's W outputs stay in one register
/// until they are stored — no horizontal sums.
///
///     y[p·W + j] = Σ_k A[p·W + j, k] · x[k]  (+ bias[p·W + j])
///
/// `y` and `bias` hold `panelCount · W` floats (the padding rows give 0 + bias).
public enum PanelGemv {
    public static var width: Int { Lane.scalarCount }

    /// fp32 panels: `panels` holds `panelCount · n · W` floats, 64-byte aligned.
    public static func multiply(panels: UnsafePointer<Float>, panelCount: Int, columns n: Int,
                                x: UnsafePointer<Float>, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) {
        let raw = UnsafeRawPointer(panels)
        let stride = MemoryLayout<Lane>.size
        for p in 0..<panelCount {
            let a = raw + p * n * stride
            store(panelSum(columns: n, x: x) { a.load(fromByteOffset: $0 &* stride, as: Lane.self) }, panel: p, bias: bias, y: y)
        }
    }

    /// fp16 panels (the same layout in `Float16`, converted to fp32 lane by lane with
    /// `vcvtph2ps`, accumulated in fp32): half the bytes read per step.
    public static func multiply(panels: UnsafePointer<Float16>, panelCount: Int, columns n: Int,
                                x: UnsafePointer<Float>, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) {
        let raw = UnsafeRawPointer(panels)
        let stride = MemoryLayout<HalfLane>.size
        for p in 0..<panelCount {
            let a = raw + p * n * stride
            store(panelSum(columns: n, x: x) { widen(a.load(fromByteOffset: $0 &* stride, as: HalfLane.self)) },
                  panel: p, bias: bias, y: y)
        }
    }

    /// Bytes of one group of ``multiply(splitHalfPanels:panelCount:columns:x:scaled:bias:y:)``'s
    /// panels: four columns of W fp16 weights.
    public static var halfGroupBytes: Int { 4 * Lane.scalarCount * MemoryLayout<Float16>.size }

    /// fp16 panels in groups of four columns, half of them converted by `vcvtph2ps` and half
    /// decoded in integers, so the two kinds of work share the vector units: panel p (``halfGroupBytes``
    /// · ⌊n/4⌋ bytes, then the last n mod 4 columns as ``HalfLane``s) holds for group g the
    /// `HalfLane`s of columns 4g and 4g + 1, then a ``PairLane`` whose lane j holds row j's fp16
    /// bits of column 4g + 2 in its low half and of 4g + 3 in its high half. The same bytes as
    /// ``multiply(panels:panelCount:columns:x:bias:y:)``'s fp16 panels.
    ///
    /// A half moved into an fp32's top bits and shifted right by three (`vpsrad`, the sign
    /// kept by `vpandd 0x8FFFE000`) is that fp32's exponent and mantissa: the weight times 2⁻¹¹²,
    /// exactly, subnormals included. So `scaled` gets x · 2¹¹² (n floats), and each product
    /// w · x is the same real number either way: the columns are summed as ``panelSum(columns:x:_:)``
    /// sums them, and the result has the bits of the fp16 panels' product. No weight may be
    /// fp16's ±∞ or NaN (the packer keeps such a matrix in plain panels). An input of 2¹⁶ or more
    /// in magnitude would overflow once scaled, so such a vector takes a loop that scales each
    /// decoded weight back instead (2¹¹² · w is exact), with the same result.
    public static func multiply(splitHalfPanels panels: UnsafeRawPointer, panelCount: Int, columns n: Int,
                                x: UnsafePointer<Float>, scaled: UnsafeMutablePointer<Float>,
                                bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) {
        var fits = true
        for k in 0..<n {
            scaled[k] = x[k] * 0x1p112
            if x[k].isFinite && !scaled[k].isFinite { fits = false }
        }
        let half = MemoryLayout<HalfLane>.size, groupBytes = halfGroupBytes, groups = n / 4, whole = groups &* 4
        let mask = PairLane(repeating: 0x8FFF_E000)
        @inline(__always) func high(_ v: PairLane) -> Lane {
            unsafeBitCast(unsafeBitCast(unsafeBitCast(v, to: IntLane.self) &>> 3, to: PairLane.self) & mask, to: Lane.self)
        }
        for p in 0..<panelCount {
            let a = panels + p &* n &* half
            var s0 = Lane(), s1 = Lane(), s2 = Lane(), s3 = Lane()
            var k = 0, o = 0
            // Two loops rather than one with a factor: the common one has no multiply per
            // decoded weight, and the vector units are what this layout is short of.
            if fits {
                while k < whole {
                    let v = a.load(fromByteOffset: o &+ 2 &* half, as: PairLane.self)
                    s0 = s0.addingProduct(widen(a.load(fromByteOffset: o, as: HalfLane.self)), Lane(repeating: x[k]))
                    s1 = s1.addingProduct(widen(a.load(fromByteOffset: o &+ half, as: HalfLane.self)), Lane(repeating: x[k &+ 1]))
                    s2 = s2.addingProduct(high(v &<< 16), Lane(repeating: scaled[k &+ 2]))
                    s3 = s3.addingProduct(high(v), Lane(repeating: scaled[k &+ 3]))
                    k &+= 4
                    o &+= groupBytes
                }
            } else {
                let back = Lane(repeating: 0x1p112)
                while k < whole {
                    let v = a.load(fromByteOffset: o &+ 2 &* half, as: PairLane.self)
                    s0 = s0.addingProduct(widen(a.load(fromByteOffset: o, as: HalfLane.self)), Lane(repeating: x[k]))
                    s1 = s1.addingProduct(widen(a.load(fromByteOffset: o &+ half, as: HalfLane.self)), Lane(repeating: x[k &+ 1]))
                    s2 = s2.addingProduct(high(v &<< 16) * back, Lane(repeating: x[k &+ 2]))
                    s3 = s3.addingProduct(high(v) * back, Lane(repeating: x[k &+ 3]))
                    k &+= 4
                    o &+= groupBytes
                }
            }
            while k < n {
                s0 = s0.addingProduct(widen(a.load(fromByteOffset: o, as: HalfLane.self)), Lane(repeating: x[k]))
                k &+= 1
                o &+= half
            }
            store((s0 + s1) + (s2 + s3), panel: p, bias: bias, y: y)
        }
    }

    /// bf16 panels in column pairs: panel p's pair c is W `UInt32`, lane j holding row j's
    /// weights of columns 2c (low half) and 2c + 1 (high half), an odd n's last high half zero.
    ///
    /// bf16 is the top half of an fp32, so each column widens by one shift (`vpslld`) or one mask
    /// (`vpandd`), where fp16's `vcvtph2ps` (one register per two cycles on Zen 4) held that
    /// product to about 0.6 of the bandwidth bound. The columns are summed as ``panelSum(columns:x:_:)``
    /// sums them, so the result has the bits of the fp32 product on the rounded weights.
    public static func multiply(brainPanels panels: UnsafePointer<UInt32>, panelCount: Int, columns n: Int,
                                x: UnsafePointer<Float>, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) {
        let pairs = (n + 1) / 2, whole = n / 2, stride = MemoryLayout<PairLane>.size
        @inline(__always) func low(_ v: PairLane) -> Lane { unsafeBitCast(v &<< 16, to: Lane.self) }
        @inline(__always) func high(_ v: PairLane) -> Lane { unsafeBitCast(v & 0xFFFF_0000, to: Lane.self) }
        let raw = UnsafeRawPointer(panels)
        for p in 0..<panelCount {
            let a = raw + p * pairs * stride
            @inline(__always) func pair(_ c: Int) -> PairLane { a.load(fromByteOffset: c &* stride, as: PairLane.self) }
            // panelSum's four sums: column k goes to s_(k mod 4), and the columns after the last
            // whole four to s0, in order.
            var s0 = Lane(), s1 = Lane(), s2 = Lane(), s3 = Lane()
            var c = 0
            while c &+ 2 <= whole {
                let v0 = pair(c), v1 = pair(c &+ 1), k = 2 &* c
                s0 = s0.addingProduct(low(v0), Lane(repeating: x[k]))
                s1 = s1.addingProduct(high(v0), Lane(repeating: x[k &+ 1]))
                s2 = s2.addingProduct(low(v1), Lane(repeating: x[k &+ 2]))
                s3 = s3.addingProduct(high(v1), Lane(repeating: x[k &+ 3]))
                c &+= 2
            }
            while c < pairs {
                let v = pair(c), k = 2 * c
                s0 = s0.addingProduct(low(v), Lane(repeating: x[k]))
                if k + 1 < n { s0 = s0.addingProduct(high(v), Lane(repeating: x[k + 1])) }
                c += 1
            }
            store((s0 + s1) + (s2 + s3), panel: p, bias: bias, y: y)
        }
    }

    /// Column pairs one int32 accumulator may sum without overflow: each pair adds at most
    /// 2 · 127 · 32767 in magnitude, and 256 of them 2,130,574,336 < 2³¹.
    public static let pairsPerChunk = 256

    /// Bytes of one panel's four int8 columns, W lanes of four bytes: a quad of the VNNI product,
    /// a block of two split pairs without it (the same columns, in another byte order).
    public static var quadBytes: Int { 4 * Lane.scalarCount }

    /// Column quads one chunk spans: the columns of ``pairsPerChunk`` pairs, so the split pairs'
    /// and the VNNI quads' chunks sum the same columns, and their results agree bit for bit.
    public static var quadsPerChunk: Int { pairsPerChunk / 2 }

    /// int8 panels with one scale per row, weight = q · scale (a quarter of fp32's bytes), in
    /// quads of columns, each quad's two pairs split across 16-bit words: panel p's quad b is
    /// ``quadBytes``, row j's weights for columns 4b … 4b + 3 at bytes 4j … 4j + 3 as
    /// `(w₀ + 128, w₂, w₁ + 128, w₃)` (the first pair offset into 0…255 in the words' low bytes,
    /// the second pair as they are in the high bytes; n is padded to a multiple of 4 with zero
    /// bytes). `scales` holds `panelCount · W` floats, like `y`.
    ///
    /// The input is rounded to int16 once per product, on one scale for the whole vector:
    /// `x ≈ s · r` with `s = max|x| / 32767`, `r` integers in −32767…32767 (written to `rounded`,
    /// which holds n rounded up to a multiple of 4 `Int16`, its padding zero). The sums then run
    /// in integers, two columns per instruction (`vpmaddwd`) with the weights split out of their
    /// words (one `vpand`, one `vpsraw`), and each row's sum is scaled once:
    /// `y = scale ⊙ s · (Q·r) + bias`. Integer sums are exact, so the only rounding beyond the
    /// weights' is x's, at most `s / 2` per element — 2⁻¹⁶ of the largest input, where PyTorch's
    /// dynamic quantization rounds inputs to 8 bits. Chunks of ``pairsPerChunk`` pairs are summed
    /// in int32, less `128 · Σ r` over the chunk's offset columns, and added in fp32: the chunk's
    /// true sum fits int32, so the wrapping arithmetic on the way gives it exactly, and the
    /// result has the bits of the VNNI quad product.
    ///
    /// An input holding NaN or ±∞ gives NaN in every row (the integer path has no such values).
    public static func multiply(pairedPanels panels: UnsafePointer<Int8>, scales: UnsafePointer<Float>, panelCount: Int, columns n: Int,
                                x: UnsafePointer<Float>, rounded: UnsafeMutablePointer<Int16>,
                                bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) {
        guard let step = round(x, count: n, limit: 32767, into: rounded, roundToInt16) else {
            y.update(repeating: .nan, count: panelCount * Lane.scalarCount)
            return
        }
        let quads = (n + 3) / 4, perChunk = quadsPerChunk
        let words = UnsafeRawPointer(rounded)
        // Quad b's pairs: inputs 4b, 4b + 1 (offset weights) and 4b + 2, 4b + 3.
        @inline(__always) func low(_ b: Int) -> Int32 { words.loadUnaligned(fromByteOffset: b &* 8, as: Int32.self) }
        @inline(__always) func high(_ b: Int) -> Int32 { words.loadUnaligned(fromByteOffset: b &* 8 &+ 4, as: Int32.self) }
        // 128 · Σ r over each chunk's offset columns, the same for every row.
        @inline(__always) func offset(first: Int, end: Int) -> IntLane {
            var sum: Int32 = 0
            for b in first..<end { sum &+= Int32(rounded[4 &* b]) &+ Int32(rounded[4 &* b &+ 1]) }
            return IntLane(repeating: 128 &* sum)
        }
        // Chunk by chunk, each row's chunk sum added to its total in y (in chunk order, as one
        // panel at a time would), so the chunk's offset is summed once for every row.
        let chunks = (quads + perChunk - 1) / perChunk, laneBytes = Lane.scalarCount &* MemoryLayout<Float>.size
        let raw = UnsafeRawPointer(panels), totals = UnsafeMutableRawPointer(y)
        for chunk in 0..<chunks {
            let first = chunk &* perChunk, end = min(quads, first &+ perChunk)
            let offset = offset(first: first, end: end)
            for p in 0..<panelCount {
                let a = raw + p &* quads &* quadBytes
                var s0 = IntLane(), s1 = IntLane(), s2 = IntLane(), s3 = IntLane()
                var b = first
                // Wrapping arithmetic, as in panelSum.
                while b &+ 4 <= end {
                    let w = a + b &* quadBytes
                    s0 = addSplitPairProducts(s0, w, low(b), high(b))
                    s1 = addSplitPairProducts(s1, w + quadBytes, low(b &+ 1), high(b &+ 1))
                    s2 = addSplitPairProducts(s2, w + 2 &* quadBytes, low(b &+ 2), high(b &+ 2))
                    s3 = addSplitPairProducts(s3, w + 3 &* quadBytes, low(b &+ 3), high(b &+ 3))
                    b &+= 4
                }
                while b < end {
                    s0 = addSplitPairProducts(s0, a + b &* quadBytes, low(b), high(b))
                    b &+= 1
                }
                let part = widen(((s0 &+ s1) &+ (s2 &+ s3)) &- offset)
                let at = p &* laneBytes
                totals.storeBytes(of: chunk == 0 ? part : totals.loadUnaligned(fromByteOffset: at, as: Lane.self) + part,
                                  toByteOffset: at, as: Lane.self)
            }
        }
        for p in 0..<panelCount {
            let at = p &* laneBytes
            let total = chunks == 0 ? Lane() : totals.loadUnaligned(fromByteOffset: at, as: Lane.self)
            let scale = UnsafeRawPointer(scales).loadUnaligned(fromByteOffset: at, as: Lane.self)
            store(total * (scale * step), panel: p, bias: bias, y: y)
        }
    }

    #if RECUR_VNNI
    /// The int8 product of ``multiply(pairedPanels:scales:panelCount:columns:x:rounded:bias:y:)``
    /// with VNNI's byte products (RecurKernelsVNNI only): the same weights and scales in column
    /// quads (panel p's quad c is ``quadBytes``: row j's weights for columns 4c … 4c + 3 at bytes
    /// 4j … 4j + 3; n padded to a multiple of 4 with zeros), and the same input rounded to int16.
    ///
    /// `vpdpbusd` multiplies unsigned bytes by signed ones, four per int32 lane, so each rounded
    /// input r is split once per product into bytes, `r = 256·(h − 128) + l` with l and h in
    /// 0…255 (`low`, `high`), and a chunk's sum is
    ///
    ///     Σ w·r = 256 · (Σ w·h − 128 · Σ w) + Σ w·l
    ///
    /// with `Σ w` per row and chunk packed beside the weights (`rowSums`, `[panelCount, chunks, W]`).
    /// Σ w·h and Σ w·l stay below 2³¹ over a chunk (512 · 127 · 255); the combination may wrap in
    /// between, but the chunk's true sum fits int32 (``pairsPerChunk``), so the wrapping
    /// arithmetic gives it exactly. One 64-byte load of weights then feeds two instructions of 64
    /// products each, where the pair product widens 32 weights to int16 per instruction.
    ///
    /// `rounded`, `low` and `high` hold `4·⌈n/4⌉` rounded up to a multiple of 32 values, zero past n.
    public static func multiply(quadPanels panels: UnsafePointer<Int8>, scales: UnsafePointer<Float>, rowSums: UnsafePointer<Int32>,
                                panelCount: Int, columns n: Int, x: UnsafePointer<Float>, rounded: UnsafeMutablePointer<Int16>,
                                low: UnsafeMutablePointer<UInt8>, high: UnsafeMutablePointer<UInt8>,
                                bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) {
        guard let step = round(x, count: n, limit: 32767, into: rounded, roundToInt16) else {
            y.update(repeating: .nan, count: panelCount * Lane.scalarCount)
            return
        }
        let quads = (n + 3) / 4, chunks = (quads + quadsPerChunk - 1) / quadsPerChunk
        var k = 0
        while k < 4 * quads {
            splitInt16(rounded + k, low: low + k, high: high + k)
            k += 32
        }
        let lows = UnsafeRawPointer(low), highs = UnsafeRawPointer(high)
        @inline(__always) func lowQuad(_ c: Int) -> Int32 { lows.loadUnaligned(fromByteOffset: c &* 4, as: Int32.self) }
        @inline(__always) func highQuad(_ c: Int) -> Int32 { highs.loadUnaligned(fromByteOffset: c &* 4, as: Int32.self) }
        let raw = UnsafeRawPointer(panels), sums = UnsafeRawPointer(rowSums), lane = Lane.scalarCount
        // One panel at a time, four quads a pass: eight vpdpbusd chains in flight for its
        // latency. Two panels sharing each broadcast quad (as int4 does) ran 12% slower on Zen 4.
        for p in 0..<panelCount {
            let a = raw + p &* quads &* quadBytes
            var total = Lane()
            var first = 0, chunk = 0
            while first < quads {
                let end = min(quads, first &+ quadsPerChunk)
                var l0 = IntLane(), l1 = IntLane(), l2 = IntLane(), l3 = IntLane()
                var h0 = IntLane(), h1 = IntLane(), h2 = IntLane(), h3 = IntLane()
                var c = first
                while c &+ 4 <= end {
                    let w = a + c &* quadBytes
                    l0 = addQuadProducts(l0, w, lowQuad(c)); h0 = addQuadProducts(h0, w, highQuad(c))
                    l1 = addQuadProducts(l1, w + quadBytes, lowQuad(c &+ 1)); h1 = addQuadProducts(h1, w + quadBytes, highQuad(c &+ 1))
                    l2 = addQuadProducts(l2, w + 2 &* quadBytes, lowQuad(c &+ 2)); h2 = addQuadProducts(h2, w + 2 &* quadBytes, highQuad(c &+ 2))
                    l3 = addQuadProducts(l3, w + 3 &* quadBytes, lowQuad(c &+ 3)); h3 = addQuadProducts(h3, w + 3 &* quadBytes, highQuad(c &+ 3))
                    c &+= 4
                }
                while c < end {
                    l0 = addQuadProducts(l0, a + c &* quadBytes, lowQuad(c)); h0 = addQuadProducts(h0, a + c &* quadBytes, highQuad(c))
                    c &+= 1
                }
                let rowSum = sums.loadUnaligned(fromByteOffset: ((p &* chunks &+ chunk) &* lane) &* 4, as: IntLane.self)
                let lowSum = (l0 &+ l1) &+ (l2 &+ l3), highSum = (h0 &+ h1) &+ (h2 &+ h3)
                total += widen(((highSum &- (rowSum &<< 7)) &<< 8) &+ lowSum)
                first = end
                chunk &+= 1
            }
            let scale = UnsafeRawPointer(scales).loadUnaligned(fromByteOffset: p * lane * MemoryLayout<Float>.size, as: Lane.self)
            store(total * (scale * step), panel: p, bias: bias, y: y)
        }
    }
    #endif

    /// Columns of one int4 group: each row's weights in a group share a scale and a minimum.
    public static let nibbleGroup = 64

    /// Bytes of one panel's eight columns in int4: W lanes of four bytes.
    public static var octetBytes: Int { 4 * Lane.scalarCount }

    /// int4 panels, groups of ``nibbleGroup`` columns with a scale and a minimum per row and
    /// group: weight = q · scale + minimum, q in 0…15 (an eighth of fp32's bytes, plus 4 bytes
    /// of fp16 per row and group). n is padded to a multiple of 8 with q = 0; panel p is
    /// `⌈n/8⌉` octets of ``octetBytes``, octet d holding in lane j's bytes 4j…4j + 3 row
    /// p·W + j's q for columns 8d…8d + 3 (low nibbles) and 8d + 4…8d + 7 (high nibbles).
    /// `scales` and `minimums` are `[panelCount, groups, W]`.
    ///
    /// The input is rounded to int8 once per product on one scale for the vector,
    /// `x ≈ t · r` with `t = max|x| / 127` (written to `rounded`, `⌈n/8⌉ · 8` of them, the
    /// padding zero), as PyTorch's dynamic quantization does, and each group's sum of `x`
    /// (`groupSums`, exact floats) carries the minimums:
    ///
    ///     y = t · Σ_g scale_g ⊙ (Q_g · r_g) + Σ_g minimum_g · Σ_{k∈g} x_k + bias
    ///
    /// `Q_g · r_g` runs in int32 (≤ 64 · 15 · 127 in magnitude: no overflow), four products per
    /// byte lane (`vpdpbusd` in RecurKernelsVNNI, else `vpmaddubsw` + `vpmaddwd`): the same
    /// integers either way. An input holding NaN or ±∞ gives NaN in every row.
    public static func multiply(nibblePanels panels: UnsafePointer<UInt8>, scales: UnsafePointer<Float16>, minimums: UnsafePointer<Float16>,
                                panelCount: Int, columns n: Int, x: UnsafePointer<Float>, rounded: UnsafeMutablePointer<Int8>,
                                groupSums: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) {
        guard let step = round(x, count: n, limit: 127, into: rounded, roundToInt8) else {
            y.update(repeating: .nan, count: panelCount * Lane.scalarCount)
            return
        }
        let groups = (n + nibbleGroup - 1) / nibbleGroup
        for g in 0..<groups {
            var sum: Float = 0
            for k in g * nibbleGroup ..< min(n, (g + 1) * nibbleGroup) { sum += x[k] }
            groupSums[g] = sum
        }
        // A group's eight octets alternate between two sums, so each takes at most four (all a
        // sum's int16 halves hold without VNNI; NibbleSums).
        let octets = (n + 7) / 8, perGroup = nibbleGroup / 8
        let inputs = UnsafeRawPointer(rounded)
        @inline(__always) func quad(_ q: Int) -> Int32 { inputs.loadUnaligned(fromByteOffset: q &* 4, as: Int32.self) }
        let raw = UnsafeRawPointer(panels), scaleBytes = UnsafeRawPointer(scales), minimumBytes = UnsafeRawPointer(minimums)
        let halfStride = MemoryLayout<HalfLane>.size
        // Two panels at a time, so each broadcast input quad serves both, two octets per pass:
        // with VNNI eight vpdpbusd chains in flight (``NibbleSums`` holds two), which its
        // latency needs (4 cycles at up to 2 per cycle on Zen 5). One panel at a time with
        // four octets per pass was 5% faster on Zen 5 and 5% slower on Zen 4.
        var p = 0
        while p &+ 2 <= panelCount {
            let a = raw + p &* octets &* octetBytes, b = a + octets &* octetBytes
            var scaledA = Lane(), offsetsA = Lane(), scaledB = Lane(), offsetsB = Lane()
            for g in 0..<groups {
                let first = g &* perGroup, end = min(octets, first &+ perGroup)
                var s0 = NibbleSums(), s1 = NibbleSums(), u0 = NibbleSums(), u1 = NibbleSums()
                var d = first
                while d &+ 2 <= end {
                    let (l0, h0, l1, h1) = (quad(2 &* d), quad(2 &* d &+ 1), quad(2 &* d &+ 2), quad(2 &* d &+ 3))
                    addNibbleProducts(&s0, a + d &* octetBytes, l0, h0)
                    addNibbleProducts(&u0, b + d &* octetBytes, l0, h0)
                    addNibbleProducts(&s1, a + (d &+ 1) &* octetBytes, l1, h1)
                    addNibbleProducts(&u1, b + (d &+ 1) &* octetBytes, l1, h1)
                    d &+= 2
                }
                if d < end {
                    addNibbleProducts(&s0, a + d &* octetBytes, quad(2 &* d), quad(2 &* d &+ 1))
                    addNibbleProducts(&u0, b + d &* octetBytes, quad(2 &* d), quad(2 &* d &+ 1))
                }
                let atA = (p &* groups &+ g) &* halfStride, atB = atA &+ groups &* halfStride
                let sum = Lane(repeating: groupSums[g])
                scaledA = scaledA.addingProduct(widen(nibbleTotal(s0) &+ nibbleTotal(s1)), widen(scaleBytes.loadUnaligned(fromByteOffset: atA, as: HalfLane.self)))
                offsetsA = offsetsA.addingProduct(widen(minimumBytes.loadUnaligned(fromByteOffset: atA, as: HalfLane.self)), sum)
                scaledB = scaledB.addingProduct(widen(nibbleTotal(u0) &+ nibbleTotal(u1)), widen(scaleBytes.loadUnaligned(fromByteOffset: atB, as: HalfLane.self)))
                offsetsB = offsetsB.addingProduct(widen(minimumBytes.loadUnaligned(fromByteOffset: atB, as: HalfLane.self)), sum)
            }
            store(offsetsA.addingProduct(scaledA, Lane(repeating: step)), panel: p, bias: bias, y: y)
            store(offsetsB.addingProduct(scaledB, Lane(repeating: step)), panel: p &+ 1, bias: bias, y: y)
            p &+= 2
        }
        if p < panelCount {
            let a = raw + p &* octets &* octetBytes
            var scaled = Lane(), offsets = Lane()
            for g in 0..<groups {
                let first = g &* perGroup, end = min(octets, first &+ perGroup)
                var s0 = NibbleSums(), s1 = NibbleSums()
                var d = first
                while d &+ 2 <= end {
                    addNibbleProducts(&s0, a + d &* octetBytes, quad(2 &* d), quad(2 &* d &+ 1))
                    addNibbleProducts(&s1, a + (d &+ 1) &* octetBytes, quad(2 &* d &+ 2), quad(2 &* d &+ 3))
                    d &+= 2
                }
                if d < end { addNibbleProducts(&s0, a + d &* octetBytes, quad(2 &* d), quad(2 &* d &+ 1)) }
                let at = (p &* groups &+ g) &* halfStride
                scaled = scaled.addingProduct(widen(nibbleTotal(s0) &+ nibbleTotal(s1)), widen(scaleBytes.loadUnaligned(fromByteOffset: at, as: HalfLane.self)))
                offsets = offsets.addingProduct(widen(minimumBytes.loadUnaligned(fromByteOffset: at, as: HalfLane.self)),
                                                Lane(repeating: groupSums[g]))
            }
            store(offsets.addingProduct(scaled, Lane(repeating: step)), panel: p, bias: bias, y: y)
        }
    }

    /// Rounds the n floats at x to integers on one scale for the whole vector, `x ≈ step · r`
    /// with `step = max|x| / limit` and r in −limit…limit (`roundVector` a ``Lane`` at a time,
    /// the tail one by one, ties to even), written to `out`. Returns `step`, or nil when x holds
    /// NaN or ±∞ (the integer products have no such values).
    @inline(__always)
    static func round<T: FixedWidthInteger>(_ x: UnsafePointer<Float>, count n: Int, limit: Float, into out: UnsafeMutablePointer<T>,
                                            _ roundVector: (UnsafePointer<Float>, Float, UnsafeMutablePointer<T>) -> Void) -> Float? {
        let largest = largestMagnitude(x, count: n)
        guard largest.isFinite else { return nil }
        // Below about 1e-34 the factor overflows: such an input counts as zero (off by at most
        // 1e-34 · Σ|w| per row), where x · ∞ would give NaN for its zeros.
        let inverse = limit / largest
        let factor: Float = largest > 0 && inverse.isFinite ? inverse : 0
        var k = 0
        while k + Lane.scalarCount <= n {
            roundVector(x + k, factor, out + k)
            k += Lane.scalarCount
        }
        while k < n {
            // Through Int32, a concrete conversion (T's generic one is a call); |r| ≤ limit fits T.
            out[k] = T(truncatingIfNeeded: Int32((x[k] * factor).rounded(.toNearestOrEven)))
            k += 1
        }
        return largest / limit
    }

    /// max |x[k]| over n floats, or NaN if any is NaN or ±∞.
    static func largestMagnitude(_ x: UnsafePointer<Float>, count n: Int) -> Float {
        let raw = UnsafeRawPointer(x)
        // `v · 0` is 0 for every finite v and NaN otherwise; the comparisons skip NaN.
        var largest = Lane(), zero = Lane()
        var k = 0
        while k + Lane.scalarCount <= n {
            let v = raw.loadUnaligned(fromByteOffset: k * MemoryLayout<Float>.size, as: Lane.self)
            largest = largest.replacing(with: v, where: v .> largest).replacing(with: -v, where: -v .> largest)
            zero += v * 0
            k += Lane.scalarCount
        }
        var result = largest.max(), check = zero.sum()
        while k < n {
            result = max(result, abs(x[k]))
            check += x[k] * 0
            k += 1
        }
        return check == 0 ? result : .nan
    }

    /// `Σ_k column(k) · x[k]` over one panel's `n` columns, `column(k)` being the panel's vector k
    /// widened to fp32. Four chains, so each FMA waits on the one four back rather than the last.
    /// Inlined with its loader into each precision's loop (checked in the assembly: no call).
    @inline(__always)
    static func panelSum(columns n: Int, x: UnsafePointer<Float>, _ column: (Int) -> Lane) -> Lane {
        var s0 = Lane(), s1 = Lane(), s2 = Lane(), s3 = Lane()
        // Wrapping arithmetic here and in the products' loops (k < n, far from overflow): the
        // checked forms put a test and a branch beside every load (the AVX2 int8 product ran 40%
        // faster without them).
        var k = 0
        while k &+ 4 <= n {
            s0 = s0.addingProduct(column(k), Lane(repeating: x[k]))
            s1 = s1.addingProduct(column(k &+ 1), Lane(repeating: x[k &+ 1]))
            s2 = s2.addingProduct(column(k &+ 2), Lane(repeating: x[k &+ 2]))
            s3 = s3.addingProduct(column(k &+ 3), Lane(repeating: x[k &+ 3]))
            k &+= 4
        }
        while k < n {
            s0 = s0.addingProduct(column(k), Lane(repeating: x[k]))
            k &+= 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    @inline(__always)
    static func store(_ sum: Lane, panel p: Int, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) {
        let offset = p * Lane.scalarCount * MemoryLayout<Float>.size
        var s = sum
        if let bias { s += UnsafeRawPointer(bias).loadUnaligned(fromByteOffset: offset, as: Lane.self) }
        UnsafeMutableRawPointer(y).storeBytes(of: s, toByteOffset: offset, as: Lane.self)
    }
}

/// Read bandwidth probe for `recur bench sample`: the sum of `bytes` (a multiple of four
/// ``Lane``) at `p`, 64-byte aligned, loaded with the same registers as the products, so the
/// bound it gives is not capped by narrower loads.
public func laneSum(_ p: UnsafeRawPointer, bytes: Int) -> Float {
    let stride = MemoryLayout<Lane>.size
    var s0 = Lane(), s1 = Lane(), s2 = Lane(), s3 = Lane()
    var offset = 0
    while offset + 4 * stride <= bytes {
        s0 += p.load(fromByteOffset: offset, as: Lane.self)
        s1 += p.load(fromByteOffset: offset + stride, as: Lane.self)
        s2 += p.load(fromByteOffset: offset + 2 * stride, as: Lane.self)
        s3 += p.load(fromByteOffset: offset + 3 * stride, as: Lane.self)
        offset += 4 * stride
    }
    return ((s0 + s1) + (s2 + s3)).sum()
}

/// One panel's sums of a group in the int4 product (``addNibbleProducts(_:_:_:_:)``): with VNNI
/// the low nibbles' products in `low` and 16 times the high ones' in `high`, two independent
/// int32 chains; without, everything in `low` as int16 pairs, which hold four octets (a group's
/// eight go to two sums, alternately). ``nibbleTotal(_:)`` gives the group's int32 sums, the
/// same integers either way.
struct NibbleSums {
    var low = IntLane(), high = IntLane()
}
