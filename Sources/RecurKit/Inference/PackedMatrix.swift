import RecurCore
import RecurKernelsAVX2
import RecurKernelsAVX512
import RecurKernelsVNNI

/// A weight matrix A `[m, n]` and its bias `[m]`, held for batch-1 products y = A·x + b in the
/// layout ``ResidentKernel`` wants: panels of `lanes` rows, column by column (see `PanelGemv`), in
/// fp32, fp16 (in split groups of four columns on a Zen 4), bf16 (in column pairs), int8 with a
/// scale per row (in column quads, split into pairs without VNNI, its input rounded to int16 per
/// product) or int4 with a scale and minimum per row and group (``Int4Groups``; in octets of
/// columns, its input rounded to int8); row-major fp32 for ``ResidentKernel/blas`` (fp16, bf16,
/// int8 and int4 weights then kept as the fp32 values they stand for, the input as it is).
///
/// ``multiply(_:into:)`` writes ``paddedRows`` floats (rows past m are 0 + 0), so the output
/// buffer must hold that many. Nothing is allocated after `init`; an int8 or int4 matrix keeps
/// its rounded input (fp16 in split groups its scaled input) in a buffer of its own, so one
/// matrix serves one thread at a time.
public final class PackedMatrix {
    public let rows: Int, columns: Int
    public let kernel: ResidentKernel
    public let precision: ResidentPrecision
    /// m rounded up to the panel height.
    public let paddedRows: Int
    /// Bytes of weights and bias one product reads.
    public let bytesPerProduct: Int
    /// `[paddedRows]`, zeros past m (and all zeros without a bias).
    let bias: UnsafeMutablePointer<Float>
    let store: Store

    /// What the weights are kept in, with the scratch an integer product rounds its input into.
    enum Store {
        /// fp32 panels, or row-major for ``ResidentKernel/blas``.
        case floats(UnsafeMutablePointer<Float>)
        case halves(UnsafeMutablePointer<Float16>)
        /// fp16 in groups of four columns, two of them decoded in integers
        /// (`PanelGemv.multiply(splitHalfPanels:…)`); the input times 2¹¹², `[columns]`.
        case splitHalves(UnsafeMutablePointer<UInt16>, scaled: UnsafeMutablePointer<Float>)
        /// bf16 in column pairs (`PanelGemv.multiply(brainPanels:…)`), a `UInt32` per row and pair.
        case brains(UnsafeMutablePointer<UInt32>)
        /// int8 in quads of columns, each quad's two pairs split across 16-bit words; a scale per
        /// row `[paddedRows]`; the input as int16, n rounded up to a multiple of 4.
        case pairs(UnsafeMutablePointer<Int8>, scales: UnsafeMutablePointer<Float>, rounded: UnsafeMutablePointer<Int16>)
        /// int8 in column quads (VNNI); a scale per row `[paddedRows]`; each row's weight sum per
        /// chunk `[panels, chunks, lanes]`; the input as int16 and split into bytes, `4·⌈n/4⌉`
        /// rounded up to a multiple of 32 of each.
        case quads(UnsafeMutablePointer<Int8>, scales: UnsafeMutablePointer<Float>, rowSums: UnsafeMutablePointer<Int32>,
                   rounded: UnsafeMutablePointer<Int16>, low: UnsafeMutablePointer<UInt8>, high: UnsafeMutablePointer<UInt8>)
        /// int4 in octets; scales and minimums `[panels, groups, lanes]`; the input as int8,
        /// n rounded up to a multiple of 8; the input's sum per group.
        case nibbles(UnsafeMutablePointer<UInt8>, scales: UnsafeMutablePointer<Float16>, minimums: UnsafeMutablePointer<Float16>,
                     rounded: UnsafeMutablePointer<Int8>, groupSums: UnsafeMutablePointer<Float>, vnni: Bool)
        // `vnni`: run the product of RecurKernelsVNNI (AVX-512 kernels only).
    }

    /// Copies `weights` (row-major `[rows, columns]`) and `bias` (`[rows]`, or none). `vnni`
    /// chooses the int8 and int4 products' instructions on the AVX-512 kernel (default:
    /// ``ResidentKernel/vnni``, this CPU's; true on a CPU without AVX512-VNNI would trap).
    /// `splitHalves` chooses fp16's layout on the SIMD kernels (default:
    /// ``ResidentKernel/splitsHalves``, this CPU's): half the columns decoded in integers, or every
    /// column converted by `vcvtph2ps`. Weights that round to fp16's ±∞ (or are NaN) keep the latter.
    public init(weights: UnsafePointer<Float>, rows: Int, columns: Int, bias source: UnsafePointer<Float>?,
                kernel: ResidentKernel, precision: ResidentPrecision, vnni: Bool? = nil, splitHalves: Bool? = nil) {
        self.rows = rows
        self.columns = columns
        self.kernel = kernel
        self.precision = precision
        let lanes = kernel.lanes
        // The int8 and int4 products' choice; only the AVX-512 kernel has a VNNI build.
        let useVNNI = kernel == .avx512 && (vnni ?? kernel.vnni)
        paddedRows = (rows + lanes - 1) / lanes * lanes
        bias = .allocate(capacity: max(paddedRows, 1))
        bias.update(repeating: 0, count: paddedRows)
        if let source { bias.update(from: source, count: rows) }
        func row(_ r: Int) -> [Float] { Array(UnsafeBufferPointer(start: weights + r * columns, count: columns)) }
        func zeroed<T: Numeric>(_ type: T.Type, _ count: Int) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<T>.stride, alignment: 64)
                .bindMemory(to: T.self, capacity: max(count, 1))
            p.initialize(repeating: 0, count: max(count, 1))
            return p
        }
        let biasBytes = rows * MemoryLayout<Float>.size
        // Panel layout: element (row r, column k) of panel p = r / lanes sits at (p·n + k)·lanes + r % lanes.
        func panelIndex(_ r: Int, _ k: Int) -> Int { ((r / lanes) * columns + k) * lanes + r % lanes }
        switch (kernel, precision) {
        case (.blas, _):
            let out = zeroed(Float.self, rows * columns)
            for r in 0..<rows { (out + r * columns).update(from: precision.rounded(row: row(r)), count: columns) }
            store = .floats(out)
            bytesPerProduct = rows * columns * 4 + biasBytes
        case (_, .fp32):
            let out = zeroed(Float.self, paddedRows * columns)
            for r in 0..<rows { for k in 0..<columns { out[panelIndex(r, k)] = weights[r * columns + k] } }
            store = .floats(out)
            bytesPerProduct = paddedRows * columns * 4 + biasBytes
        case (_, .fp16):
            if splitHalves ?? kernel.splitsHalves, (0..<rows * columns).allSatisfy({ Float16(weights[$0]).isFinite }) {
                // Split groups: in group g of a panel, columns 4g and 4g + 1 are vectors of halves and
                // columns 4g + 2, 4g + 3 sit side by side in 32-bit lanes (low half, high half); the
                // last n mod 4 columns are vectors, where the plain panels have them.
                let out = zeroed(UInt16.self, paddedRows * columns), whole = columns / 4 * 4
                func splitIndex(_ r: Int, _ k: Int) -> Int {
                    let panel = (r / lanes) * columns * lanes, j = r % lanes
                    if k >= whole { return panel + k * lanes + j }
                    let group = panel + (k / 4) * 4 * lanes
                    return k % 4 < 2 ? group + (k % 4) * lanes + j : group + 2 * lanes + 2 * j + k % 4 - 2
                }
                for r in 0..<rows { for k in 0..<columns { out[splitIndex(r, k)] = Float16(weights[r * columns + k]).bitPattern } }
                store = .splitHalves(out, scaled: zeroed(Float.self, columns))
            } else {
                let out = zeroed(Float16.self, paddedRows * columns)
                for r in 0..<rows { for k in 0..<columns { out[panelIndex(r, k)] = Float16(weights[r * columns + k]) } }
                store = .halves(out)
            }
            bytesPerProduct = paddedRows * columns * 2 + biasBytes
        case (_, .bf16):
            // Column pairs, like int8's: (r, k) is the low (k even) or high half of word (p·pairs + k / 2)·lanes + r % lanes.
            let pairs = (columns + 1) / 2
            let out = zeroed(UInt32.self, paddedRows * pairs)
            for r in 0..<rows {
                for k in 0..<columns {
                    let half = UInt32(BrainFloat.round(weights[r * columns + k]))
                    out[((r / lanes) * pairs + k / 2) * lanes + r % lanes] |= k % 2 == 0 ? half : half << 16
                }
            }
            store = .brains(out)
            bytesPerProduct = paddedRows * pairs * 4 + biasBytes
        case (_, .int8):
            // Quads of columns, each row's four bytes side by side: (r, k) sits at
            // ((p·quads + k / 4)·lanes + r % lanes)·4 + the column's byte. With VNNI byte k % 4
            // holds q (`PanelGemv.multiply(quadPanels:…)`); without, the quad's two pairs are split
            // across 16-bit words as (q₀ + 128, q₂, q₁ + 128, q₃) (`multiply(pairedPanels:…)`).
            // Padding columns stay 0.
            let quads = (columns + 3) / 4, perChunk = PanelGemvVNNI.quadsPerChunk, chunks = (quads + perChunk - 1) / perChunk
            let out = zeroed(Int8.self, paddedRows * 4 * quads), scales = zeroed(Float.self, paddedRows)
            let rowSums = useVNNI ? zeroed(Int32.self, paddedRows * chunks) : nil
            for r in 0..<rows {
                let scale = Int8Rows.scale(rowMax: row(r).reduce(0) { max($0, abs($1)) })
                scales[r] = scale
                for k in 0..<columns {
                    let q = Int8Rows.quantize(weights[r * columns + k], scale: scale), within = k % 4
                    let quad = (((r / lanes) * quads + k / 4) * lanes + r % lanes) * 4
                    if let rowSums {
                        out[quad + within] = q
                        rowSums[((r / lanes) * chunks + k / (4 * perChunk)) * lanes + r % lanes] += Int32(q)
                    } else {
                        out[quad + (within % 2) * 2 + within / 2] = within < 2 ? Int8(bitPattern: UInt8(Int(q) + 128)) : q
                    }
                }
            }
            if let rowSums {
                let inputs = (4 * quads + 31) / 32 * 32
                store = .quads(out, scales: scales, rowSums: rowSums, rounded: zeroed(Int16.self, inputs),
                               low: zeroed(UInt8.self, inputs), high: zeroed(UInt8.self, inputs))
                bytesPerProduct = paddedRows * 4 * quads + biasBytes + rows * 4 + paddedRows * chunks * 4
            } else {
                store = .pairs(out, scales: scales, rounded: zeroed(Int16.self, 4 * quads))
                bytesPerProduct = paddedRows * 4 * quads + biasBytes + rows * 4
            }
        case (_, .int4):
            // Octets: (r, k) is byte ((p·octets + k / 8)·lanes + r % lanes)·4 + k % 4, the low
            // nibble for k % 8 < 4, the high one otherwise.
            let octets = (columns + 7) / 8, size = Int4Groups.size, groups = (columns + size - 1) / size
            let out = zeroed(UInt8.self, paddedRows * 4 * octets)
            let scales = zeroed(Float16.self, paddedRows * groups), minimums = zeroed(Float16.self, paddedRows * groups)
            for r in 0..<rows {
                let values = row(r)
                for g in 0..<groups {
                    let range = g * size ..< min(columns, (g + 1) * size)
                    let (scale, minimum) = Int4Groups.parameters(values[range])
                    let at = ((r / lanes) * groups + g) * lanes + r % lanes
                    (scales[at], minimums[at]) = (scale, minimum)
                    for k in range {
                        let q = Int4Groups.quantize(values[k], scale: scale, minimum: minimum)
                        out[(((r / lanes) * octets + k / 8) * lanes + r % lanes) * 4 + k % 4] |= k % 8 < 4 ? q : q << 4
                    }
                }
            }
            store = .nibbles(out, scales: scales, minimums: minimums, rounded: zeroed(Int8.self, 8 * octets),
                             groupSums: zeroed(Float.self, groups), vnni: useVNNI)
            bytesPerProduct = paddedRows * 4 * octets + paddedRows * groups * 4 + biasBytes
        }
    }

    deinit {
        bias.deallocate()
        switch store {
        case .floats(let p): p.deallocate()
        case .halves(let p): p.deallocate()
        case .splitHalves(let p, let scaled): p.deallocate(); scaled.deallocate()
        case .brains(let p): p.deallocate()
        case .pairs(let p, let scales, let rounded):
            p.deallocate(); scales.deallocate(); rounded.deallocate()
        case .quads(let p, let scales, let rowSums, let rounded, let low, let high):
            p.deallocate(); scales.deallocate(); rowSums.deallocate(); rounded.deallocate(); low.deallocate(); high.deallocate()
        case .nibbles(let p, let scales, let minimums, let rounded, let groupSums, _):
            p.deallocate(); scales.deallocate(); minimums.deallocate(); rounded.deallocate(); groupSums.deallocate()
        }
    }

    /// y = A·x + b: `x` `[columns]`, `y` `[paddedRows]`.
    public func multiply(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        let panels = paddedRows / kernel.lanes
        switch (kernel, store) {
        case (.blas, .floats(let a)):
            // The bias goes in first and the product is added (beta 1): b + A·x, the order of
            // the fused training path's `gh` (and equal, addition commuting, to A·x + b).
            y.update(from: bias, count: rows)
            BLAS.gemv(m: rows, n: columns, a: a, lda: columns, x: x, beta: 1, y: y)
        case (.avx512, .floats(let a)):
            PanelGemvAVX512.multiply(panels: a, panelCount: panels, columns: columns, x: x, bias: bias, y: y)
        case (.avx2, .floats(let a)):
            PanelGemvAVX2.multiply(panels: a, panelCount: panels, columns: columns, x: x, bias: bias, y: y)
        case (.avx512, .halves(let a)):
            PanelGemvAVX512.multiply(panels: a, panelCount: panels, columns: columns, x: x, bias: bias, y: y)
        case (.avx2, .halves(let a)):
            PanelGemvAVX2.multiply(panels: a, panelCount: panels, columns: columns, x: x, bias: bias, y: y)
        case (.avx512, .splitHalves(let a, let scaled)):
            PanelGemvAVX512.multiply(splitHalfPanels: UnsafeRawPointer(a), panelCount: panels, columns: columns, x: x, scaled: scaled, bias: bias, y: y)
        case (.avx2, .splitHalves(let a, let scaled)):
            PanelGemvAVX2.multiply(splitHalfPanels: UnsafeRawPointer(a), panelCount: panels, columns: columns, x: x, scaled: scaled, bias: bias, y: y)
        case (.avx512, .brains(let a)):
            PanelGemvAVX512.multiply(brainPanels: a, panelCount: panels, columns: columns, x: x, bias: bias, y: y)
        case (.avx2, .brains(let a)):
            PanelGemvAVX2.multiply(brainPanels: a, panelCount: panels, columns: columns, x: x, bias: bias, y: y)
        case (.avx512, .quads(let a, let scales, let rowSums, let rounded, let low, let high)):
            PanelGemvVNNI.multiply(quadPanels: a, scales: scales, rowSums: rowSums, panelCount: panels, columns: columns, x: x,
                                   rounded: rounded, low: low, high: high, bias: bias, y: y)
        case (.avx512, .pairs(let a, let scales, let rounded)):
            PanelGemvAVX512.multiply(pairedPanels: a, scales: scales, panelCount: panels, columns: columns, x: x, rounded: rounded, bias: bias, y: y)
        case (.avx2, .pairs(let a, let scales, let rounded)):
            PanelGemvAVX2.multiply(pairedPanels: a, scales: scales, panelCount: panels, columns: columns, x: x, rounded: rounded, bias: bias, y: y)
        case (.avx512, .nibbles(let a, let scales, let minimums, let rounded, let groupSums, true)):
            PanelGemvVNNI.multiply(nibblePanels: a, scales: scales, minimums: minimums, panelCount: panels, columns: columns, x: x,
                                   rounded: rounded, groupSums: groupSums, bias: bias, y: y)
        case (.avx512, .nibbles(let a, let scales, let minimums, let rounded, let groupSums, false)):
            PanelGemvAVX512.multiply(nibblePanels: a, scales: scales, minimums: minimums, panelCount: panels, columns: columns, x: x,
                                     rounded: rounded, groupSums: groupSums, bias: bias, y: y)
        case (.avx2, .nibbles(let a, let scales, let minimums, let rounded, let groupSums, _)):
            PanelGemvAVX2.multiply(nibblePanels: a, scales: scales, minimums: minimums, panelCount: panels, columns: columns, x: x,
                                   rounded: rounded, groupSums: groupSums, bias: bias, y: y)
        case (.avx2, .quads), (.blas, _):
            preconditionFailure("PackedMatrix: the BLAS kernel keeps fp32 rows, and only AVX-512 packs int8 quads")
        }
    }
}
