import RecurCore

/// A hoisted product `x·W` or `x·Wᵀ` whose `x` is one-hot rows (character input), which a
/// ``StepProgram`` reads as rows of a `[V, N]` table instead of a materialised `[T·B, N]` result.
///
/// Row `t·B + r` of the product is row `rows.columns[t·B + r]` of ``table`` (zero for an all-zero
/// row). The program gathers one step's `B` rows into a buffer that stays in cache, forward and
/// again in backward, and scatters that step's ∂rows into a `[V, N]` gradient, added into ∂W
/// once after the sweep. Materialising the product wrote `T·B·N` floats, read them back twice,
/// and backward zeroed, wrote and read a gradient as large.
struct HoistedLookup {
    /// The weight factor: `W [V, N]`, or `[N, V]` when ``transposed``.
    let weight: Variable
    let transposed: Bool
    let rows: OneHotRows
    /// `[V, N]`: `W`'s rows, or `Wᵀ` (built once per run).
    let table: UnsafePointer<Float>
    let width: Int
    private let owned: FloatBuffer?
    /// Keeps `W`'s value alive while ``table`` points into it.
    private let held: Tensor

    init(weight: Variable, transposed: Bool, rows: OneHotRows) {
        self.weight = weight
        self.transposed = transposed
        self.rows = rows
        held = weight.value
        let shape = weight.shape, vocabulary = rows.width
        width = transposed ? shape[0] : shape[1]
        if transposed {
            let buffer = FloatBuffer(uninitializedCount: vocabulary * width), n = width
            // Wᵀ as the product of the identity lookup with Wᵀ (as FusedPass's input-row table).
            held.withPointer { w in
                OneHotRows.identity(vocabulary)
                    .productTransposed(b: w, ldb: vocabulary, n: n, c: buffer.pointer, ldc: n)
            }
            owned = buffer
            table = UnsafePointer(buffer.pointer)
        } else {
            owned = nil
            table = held.withPointer { $0 }   // `held` keeps the storage alive and unmutated
        }
    }

    /// Writes rows `first ..< first + count` of the product into `target` (`[count, N]`, dense).
    func gather(first: Int, count: Int, into target: UnsafeMutablePointer<Float>) {
        rows.product(b: table, ldb: width, n: width, c: target, ldc: width, rows: first..<(first + count))
    }

    /// Adds ∂ of rows `first ..< first + count` (`[count, N]`, dense) into `tableGradient` (`[V, N]`).
    func scatter(_ gradient: UnsafePointer<Float>, first: Int, count: Int, into tableGradient: UnsafeMutablePointer<Float>) {
        rows.accumulateTransposedProduct(gradient, ldg: width, n: width, into: tableGradient, ldb: width, rows: first..<(first + count))
    }

    /// Adds the table's gradient (`[V, N]`) into ∂W.
    func addToWeightGradient(_ tableGradient: UnsafePointer<Float>) {
        let vocabulary = rows.width, n = width, transposed = self.transposed
        weight.accumulateGrad { g in
            if transposed {
                for j in 0..<n { for v in 0..<vocabulary { g[j * vocabulary + v] += tableGradient[v * n + j] } }
            } else {
                Kernels.add(g, tableGradient, into: g, count: vocabulary * n)
            }
        }
    }

    /// The lookups of a traced step's hoisted products `x·W` / `x·Wᵀ`, keyed by node, when `x`
    /// (`[T·B, V]`, no gradient) is one-hot rows and only per-step nodes read the product.
    static func find(in trace: StepTrace, live: [Int], flatInput: Variable) -> [Int: HoistedLookup] {
        guard !flatInput.requiresGrad else { return [:] }
        var candidates: [(node: Int, parameter: Int, transposed: Bool)] = []
        for i in live where trace.timing[i] == .hoisted {
            guard case .matmul(false, let transposed) = trace.nodes[i].op, trace.nodes[i].inputs.count == 2,
                  trace.nodes[i].inputs[0] == .input, case .parameter(let p) = trace.nodes[i].inputs[1] else { continue }
            candidates.append((i, p, transposed))
        }
        guard !candidates.isEmpty else { return [:] }
        // Only per-step nodes may read the product: a hoisted or constant reader needs its value.
        var readByWhole = Set<Int>()
        for j in live where trace.timing[j] != .perStep {
            for case .node(let i) in trace.nodes[j].inputs { readByWhole.insert(i) }
        }
        for v in [trace.output] + trace.nextState { if case .node(let i) = v { readByWhole.insert(i) } }
        let shape = flatInput.shape
        guard shape.count == 2, let rows = flatInput.value.withPointer({ OneHotRows($0, rows: shape[0], width: shape[1]) }) else { return [:] }
        var lookups: [Int: HoistedLookup] = [:]
        for c in candidates where !readByWhole.contains(c.node) {
            let weight = trace.parameters[c.parameter]
            guard weight.shape.count == 2, (c.transposed ? weight.shape[1] : weight.shape[0]) == shape[1] else { continue }
            lookups[c.node] = HoistedLookup(weight: weight, transposed: c.transposed, rows: rows)
        }
        return lookups
    }
}

/// A lookup's row indices and a zero row, for sums that read its table in place rather than a
/// gathered copy of each step's rows (``SumSharing/readOnlyBySums``): the gather was a memmove
/// of `B·N` floats per step, forward and again in backward (2.7% of a generic LSTM step).
final class LookupIndex {
    let lookup: HoistedLookup
    private let columns: UnsafeMutablePointer<Int32>
    private let zero: UnsafeMutablePointer<Float>

    init(_ lookup: HoistedLookup) {
        self.lookup = lookup
        let columns = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, lookup.rows.columns.count))
        columns.initialize(from: lookup.rows.columns, count: lookup.rows.columns.count)
        self.columns = columns
        zero = .allocate(capacity: max(1, lookup.width))
        zero.initialize(repeating: 0, count: max(1, lookup.width))
    }

    deinit {
        columns.deallocate()
        zero.deallocate()
    }

    /// The looked-up rows of a step of `batch` rows.
    func rows(batch: Int) -> StepLocator {
        var locator = StepLocator(lookup.table, rowStride: lookup.width, perTime: batch)
        locator.index = UnsafePointer(columns)
        locator.zero = UnsafePointer(zero)
        return locator
    }
}
