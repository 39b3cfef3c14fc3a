import RecurCore
import RecurKernelsAVX2
import RecurKernelsAVX512

/// A weight matrix A `[m, n]` and its bias `[m]`, held for batch-1 products y = A·x + b in the
/// layout ``ResidentKernel`` wants: panels of `lanes` rows, column by column (see `PanelGemv`),
/// in fp32, fp16 or int8 with a scale per row (int8 in column pairs, its input rounded to int16
/// per product); row-major fp32 for ``ResidentKernel/blas`` (fp16 and int8 weights then kept as
/// the fp32 values they stand for, the input as it is).
///
/// ``multiply(_:into:)`` writes ``paddedRows`` floats (rows past m are 0 + 0), so the output
/// buffer must hold that many. Nothing is allocated after `init`; an int8 matrix keeps its
/// rounded input in a buffer of its own, so one matrix serves one thread at a time.
public final class PackedMatrix {
    public let rows: Int, columns: Int
    public let kernel: ResidentKernel
    public let precision: ResidentPrecision
    /// m rounded up to the panel height.
    public let paddedRows: Int
    let storage: UnsafeMutableRawPointer
    /// `[paddedRows]`, zeros past m (and all zeros without a bias).
    let bias: UnsafeMutablePointer<Float>
    /// int8 on a SIMD kernel: each row's scale `[paddedRows]` (zeros past m); else nil.
    let scales: UnsafeMutablePointer<Float>?
    /// int8 on a SIMD kernel: the input rounded to int16, n rounded up to even (the padding
    /// stays 0); else nil.
    let rounded: UnsafeMutablePointer<Int16>?

    /// Copies `weights` (row-major `[rows, columns]`) and `bias` (`[rows]`, or none).
    public init(weights: UnsafePointer<Float>, rows: Int, columns: Int, bias source: UnsafePointer<Float>?,
                kernel: ResidentKernel, precision: ResidentPrecision) {
        self.rows = rows
        self.columns = columns
        self.kernel = kernel
        self.precision = precision
        let lanes = kernel.lanes
        paddedRows = (rows + lanes - 1) / lanes * lanes
        bias = .allocate(capacity: max(paddedRows, 1))
        bias.update(repeating: 0, count: paddedRows)
        if let source { bias.update(from: source, count: rows) }
        let bytes = kernel == .blas ? 4 : precision.bytesPerWeight
        // int8 runs on column pairs: an odd n gets a zero column.
        let pairs = (columns + 1) / 2
        let count = max(paddedRows * (bytes == 1 ? 2 * pairs : columns), 1)
        storage = .allocate(byteCount: count * bytes, alignment: 64)
        // Layout: element (row r, column k) of panel p = r / lanes sits at (p·n + k)·lanes + r % lanes;
        // in int8, at ((p·pairs + k / 2)·lanes + r % lanes)·2 + k % 2.
        func index(_ r: Int, _ k: Int) -> Int {
            if kernel == .blas { return r * columns + k }
            if bytes == 1 { return (((r / lanes) * pairs + k / 2) * lanes + r % lanes) * 2 + k % 2 }
            return ((r / lanes) * columns + k) * lanes + r % lanes
        }
        func rowMax(_ r: Int) -> Float { (0..<columns).reduce(0) { max($0, abs(weights[r * columns + $1])) } }
        scales = bytes == 1 ? .allocate(capacity: max(paddedRows, 1)) : nil
        rounded = bytes == 1 ? .allocate(capacity: max(2 * pairs, 1)) : nil
        rounded?.update(repeating: 0, count: max(2 * pairs, 1))
        if bytes == 4 {
            let out = storage.bindMemory(to: Float.self, capacity: count)
            out.update(repeating: 0, count: count)
            for r in 0..<rows {
                let largest = precision == .int8 ? rowMax(r) : 0
                for k in 0..<columns {
                    out[index(r, k)] = precision.rounded(weights[r * columns + k], rowMax: largest)
                }
            }
        } else if let scales {
            scales.update(repeating: 0, count: paddedRows)
            let out = storage.bindMemory(to: Int8.self, capacity: count)
            out.update(repeating: 0, count: count)
            for r in 0..<rows {
                let scale = Int8Rows.scale(rowMax: rowMax(r))
                scales[r] = scale
                for k in 0..<columns { out[index(r, k)] = Int8Rows.quantize(weights[r * columns + k], scale: scale) }
            }
        } else {
            let out = storage.bindMemory(to: Float16.self, capacity: count)
            out.update(repeating: 0, count: count)
            for r in 0..<rows { for k in 0..<columns { out[index(r, k)] = Float16(weights[r * columns + k]) } }
        }
    }

    deinit {
        storage.deallocate()
        bias.deallocate()
        scales?.deallocate()
        rounded?.deallocate()
    }

    /// Bytes of weights and bias one product reads.
    public var bytesPerProduct: Int {
        paddedRows * (scales == nil ? columns * (kernel == .blas ? 4 : precision.bytesPerWeight) : (columns + 1) / 2 * 2)
            + rows * MemoryLayout<Float>.size
            + (scales == nil ? 0 : rows * MemoryLayout<Float>.size)
    }

    /// y = A·x + b: `x` `[columns]`, `y` `[paddedRows]`.
    public func multiply(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        let panels = paddedRows / kernel.lanes
        switch (kernel, precision) {
        case (.avx512, .fp32):
            PanelGemvAVX512.multiply(panels: storage.assumingMemoryBound(to: Float.self), panelCount: panels, columns: columns, x: x, bias: bias, y: y)
        case (.avx512, .fp16):
            PanelGemvAVX512.multiply(panels: storage.assumingMemoryBound(to: Float16.self), panelCount: panels, columns: columns, x: x, bias: bias, y: y)
        case (.avx2, .fp32):
            PanelGemvAVX2.multiply(panels: storage.assumingMemoryBound(to: Float.self), panelCount: panels, columns: columns, x: x, bias: bias, y: y)
        case (.avx2, .fp16):
            PanelGemvAVX2.multiply(panels: storage.assumingMemoryBound(to: Float16.self), panelCount: panels, columns: columns, x: x, bias: bias, y: y)
        case (.avx512, .int8):
            PanelGemvAVX512.multiply(pairedPanels: storage.assumingMemoryBound(to: Int8.self), scales: scales!, panelCount: panels, columns: columns,
                                     x: x, rounded: rounded!, bias: bias, y: y)
        case (.avx2, .int8):
            PanelGemvAVX2.multiply(pairedPanels: storage.assumingMemoryBound(to: Int8.self), scales: scales!, panelCount: panels, columns: columns,
                                   x: x, rounded: rounded!, bias: bias, y: y)
        case (.blas, _):
            // The bias goes in first and the product is added (beta 1): b + A·x, the order of
            // the fused training path's `gh` (and equal, addition commuting, to A·x + b).
            y.update(from: bias, count: rows)
            BLAS.gemv(m: rows, n: columns, a: storage.assumingMemoryBound(to: Float.self), lda: columns, x: x, beta: 1, y: y)
        }
    }
}
