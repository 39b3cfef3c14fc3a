/// The fast whole-sequence path shared by gated cells (tanh RNN, LSTM, GRU).
///
/// Forward: the input projection of all T steps is one `[T·B, X]·[X, G·H]` product before the
/// time loop; each step does only `h·W_hhᵀ` and the cell's fused ``GateKernel``. Backward: the
/// sweep runs the kernel backward and `∂gh·W_hh` per step; the weight gradients of the whole
/// sequence are then large products after the sweep (∂W_ih = ∂GXᵀ·X, ∂W_hh = ∂GHᵀ·H_prev,
/// ∂X = ∂GX·W_ih). The result is one graph node whose backward is written here; outputs and
/// final states are slices of it.
///
/// With AVX2 or AVX-512 (``RecurrentISA``) the per-step products do not go to OpenBLAS: `W_hh` is
/// packed once per pass (``PackedRecurrentWeights``) and a register-blocked microkernel computes
/// one block of hidden units with all its gates at a time, whose gates the kernel then mixes while
/// the tile is in L1. With `BLAS.threads` > 1 the hidden units are split between workers, each
/// owning its units' gate columns forward and backward, with a spinning barrier per time step.
public struct FusedRecurrence<Kernel: GateKernel>: FusedSequencePath {
    public let kernel: Kernel
    public let weightIH: Variable, weightHH: Variable, biasIH: Variable, biasHH: Variable

    public init(kernel: Kernel, weightIH: Variable, weightHH: Variable, biasIH: Variable, biasHH: Variable) {
        self.kernel = kernel
        self.weightIH = weightIH
        self.weightHH = weightHH
        self.biasIH = biasIH
        self.biasHH = biasHH
    }

    public func run(input: Variable, initialState: [Variable], mask: Tensor?, reverse: Bool)
        -> (output: Variable, state: [Variable]) {
        let pass = FusedPass(recurrence: self, input: input, initialState: initialState, mask: mask, reverse: reverse)
        return node(pass.forward(), input: input, initialState: initialState, label: "fused-\(Kernel.self)",
                    backward: pass.backward)
    }

    /// A pass's packed result — outputs `[T, B, H]` then each final state `[B, H]` — as one graph
    /// node whose backward is the pass's, sliced into the outputs and the final states.
    func node(_ packed: Tensor, input: Variable, initialState: [Variable], label: String,
              backward: @escaping (Tensor) -> Void) -> (output: Variable, state: [Variable]) {
        let node = Variable.result(packed, [input, weightIH, weightHH, biasIH, biasHH] + initialState, label, backward: backward)
        let (steps, batch, hidden) = (input.shape[0], input.shape[1], weightHH.shape[1])
        let block = batch * hidden
        let output = node.slice(axis: 0, start: 0, length: steps * block).reshaped([steps, batch, hidden])
        let state = (0..<kernel.stateCount).map {
            node.slice(axis: 0, start: steps * block + $0 * block, length: block).reshaped([batch, hidden])
        }
        return (output, state)
    }
}

/// One forward pass and what its backward needs. The packed result holds the outputs `[T, B, H]`
/// followed by each final state `[B, H]`.
final class FusedPass<Kernel: GateKernel> {
    let recurrence: FusedRecurrence<Kernel>
    let input: Variable, initialState: [Variable]
    let keep: [Bool]?
    let reverse: Bool
    let steps: Int, batch: Int, width: Int, hidden: Int, gates: Int, stateCount: Int, cacheRow: Int
    var block: Int { batch * hidden }
    var rows: Int { steps * batch }
    /// history[s] slot k holds state s before processing step k (slot 0 = initial state).
    var history: [FloatBuffer] = []
    var cache: FloatBuffer
    /// Cache floats per time step. On the packed path the cache of step t is laid out per block
    /// (`[block][B][cacheWidth·u]`), as the kernel sees a block's tile.
    let cacheStep: Int
    let isa: RecurrentISA
    /// `W_hh` packed for the microkernel (nil on the BLAS path).
    var packedWeights: PackedRecurrentWeights?
    /// The input's rows when each is one-hot (character input): the input product is then a
    /// gather of `W_ih`'s columns and ∂W_ih a scatter, instead of two `[T·B, V]` products.
    let oneHot: OneHotRows?
    /// The input's table when it is an embedding lookup of a small vocabulary `[V, D]` (V at most
    /// half the rows): the input product is then `E·W_ihᵀ` `[V, G·H]` once and a gather of its
    /// rows; backward sums ∂gx per row of the table (S `[V, G·H]`) and takes ∂W_ih = Sᵀ·E and
    /// ∂E = S·W_ih, three `[V, ·]` products instead of three `[T·B, ·]` ones.
    let lookup: RowLookup?
    /// On the packed path with one-hot or looked-up input: row r's row of the input table
    /// (``inputRowsTable()``), kept from forward so the backward sweep can sum ∂gx per table row
    /// while each tile is in L1, instead of reading the `[T·B, G·H]` ∂gx again twice afterwards.
    var tableIndex: OneHotRows?

    init(recurrence: FusedRecurrence<Kernel>, input: Variable, initialState: [Variable], mask: Tensor?, reverse: Bool) {
        self.recurrence = recurrence
        self.input = input
        self.initialState = initialState
        self.reverse = reverse
        keep = mask.map { m in m.scalars.map { $0 != 0 } }
        steps = input.shape[0]; batch = input.shape[1]; width = input.shape[2]
        hidden = recurrence.weightHH.shape[1]
        gates = recurrence.kernel.gateCount * hidden
        stateCount = recurrence.kernel.stateCount
        cacheRow = recurrence.kernel.cacheWidth * hidden
        let isa = RecurrentISA.current, (G, H) = (recurrence.kernel.gateCount, hidden)
        self.isa = isa
        let packedWeights = isa == .blas ? nil : recurrence.weightHH.value.withPointer { pw in
            recurrence.biasHH.value.withPointer { pb in
                PackedRecurrentWeights(isa: isa, gates: G, hidden: H, weight: pw, bias: pb)
            }
        }
        self.packedWeights = packedWeights
        let (rows, width) = (steps * batch, width)
        if let found = input.rowLookup, found.table.isLeaf, found.table.shape == [found.rows.width, width],
           found.rows.columns.count == rows, found.rows.width * 2 <= rows {
            lookup = found
            oneHot = nil
        } else {
            lookup = nil
            oneHot = input.value.withPointer { OneHotRows($0, rows: rows, width: width) }
        }
        let units = packedWeights.map { $0.blocks * $0.blockUnits } ?? hidden
        cacheStep = batch * recurrence.kernel.cacheWidth * units
        cache = FloatBuffer(uninitializedCount: steps * cacheStep)
        let (b, h, n) = (batch, hidden, stateCount)
        precondition(initialState.count == n && initialState.allSatisfy { $0.shape == [b, h] },
                     "fused path: initial state \(initialState.map(\.shape)) is not \(n) × [\(b), \(h)]")
    }

    func time(_ k: Int) -> Int { reverse ? steps - 1 - k : k }

    func forward() -> Tensor {
        let kernel = recurrence.kernel
        let block = self.block
        history = (0..<stateCount).map { s in
            let h = FloatBuffer(uninitializedCount: (steps + 1) * block)
            initialState[s].value.withPointer { h.pointer.update(from: $0, count: block) }
            return h
        }
        let gh = FloatBuffer(uninitializedCount: batch * gates)
        // One-hot or looked-up input: every row of gx is a row of a small table, which the packed
        // path reads in place; only the BLAS path still needs gx as a [T·B, G·H] buffer.
        let table = inputRowsTable()
        let gx = table != nil && packedWeights != nil ? nil : FloatBuffer(uninitializedCount: rows * gates)
        // Raw pointers do not keep their buffer alive; without this, -O frees them after last use.
        defer { withExtendedLifetime((gx, gh, table?.rows)) {} }
        if packedWeights != nil { tableIndex = table?.index }
        if let gx, let table {
            table.index.product(b: table.rows.pointer, ldb: gates, n: gates, c: gx.pointer, ldc: gates)
        } else if let gx {
            input.value.withPointer { px in recurrence.weightIH.value.withPointer { pw in
                BLAS.gemm(transposeB: true, m: rows, n: gates, k: width, a: px, lda: width, b: pw, ldb: width,
                          c: gx.pointer, ldc: gates)
            } }
            recurrence.biasIH.value.withPointer { Kernels.addRow($0, into: gx.pointer, rows: rows, columns: gates) }
        }
        // The outputs go straight into the packed result; the final states follow them.
        return Tensor.make([steps * block + stateCount * block]) { packed in
            if let packedWeights {
                if let table {
                    table.index.columns.withUnsafeBufferPointer { index in
                        forwardPacked(packedWeights, gx: table.rows.pointer, rowIndex: index.baseAddress, output: packed)
                    }
                } else {
                    forwardPacked(packedWeights, gx: gx!.pointer, rowIndex: nil, output: packed)
                }
            } else {
                let gx = gx!
                recurrence.weightHH.value.withPointer { pw in recurrence.biasHH.value.withPointer { pb in
                for k in 0..<steps {
                    let t = time(k)
                    let previous = history.map { UnsafePointer($0.pointer + k * block) }
                    let next = history.map { $0.pointer + (k + 1) * block }
                    for r in 0..<batch { (gh.pointer + r * gates).update(from: pb, count: gates) }
                    BLAS.gemm(transposeB: true, m: batch, n: gates, k: hidden, a: previous[0], lda: hidden,
                              b: pw, ldb: hidden, beta: 1, c: gh.pointer, ldc: gates)
                    kernel.forward(rows: batch, hidden: hidden, gx: gx.pointer + t * batch * gates, gh: gh.pointer,
                                   previous: previous, next: next, cache: cache.pointer + t * cacheStep)
                    let o = packed + t * block
                    o.update(from: next[0], count: block)
                    if let keep {
                        for r in 0..<batch where !keep[t * batch + r] {
                            for s in 0..<stateCount { (next[s] + r * hidden).update(from: previous[s] + r * hidden, count: hidden) }
                            (o + r * hidden).update(repeating: 0, count: hidden)
                        }
                    }
                }
            } } }
            for s in 0..<stateCount {
                (packed + steps * block + s * block).update(from: history[s].pointer + steps * block, count: block)
            }
        }
    }

    /// Whether the packed sweep adds ∂W_hh step by step (``backwardPacked``) rather than one
    /// product over every step after it: when ∂W_hh fits in a core's L2
    /// (``FusedPass/stepGradientBytes``), so each step's share finds it there. Decided by the
    /// shape and the machine, not the worker count, so one worker and two give the same bits.
    var stepwiseWeightGradient: Bool {
        packedWeights != nil && recurrence.weightHH.requiresGrad
            && gates * hidden * MemoryLayout<Float>.size <= Self.stepGradientBytes
    }

    func backward(_ g: Tensor) {
        let kernel = recurrence.kernel
        let block = self.block
        let carry = (0..<stateCount).map { _ in FloatBuffer(uninitializedCount: block) }
        let gradPrevious = (0..<stateCount).map { _ in FloatBuffer(uninitializedCount: block) }
        // S [table rows, G·H]: ∂gx summed per row of the input table, taken by the packed sweep.
        let tableSums = tableIndex.map { FloatBuffer(zeros: $0.width * gates) }
        // ∂gx rows in time order t; with table sums only ∂X (dense input) still needs them.
        let needsGradGX = tableSums == nil || (input.requiresGrad && lookup == nil)
        // ∂gh rows in processing order k; the same rows as ∂gx when k = t and the kernel's ∂gh = ∂gx.
        let shared = kernel.gradientsOfGxAndGhAgree && !reverse
        let gradGH = FloatBuffer(uninitializedCount: rows * gates)
        let gradGX = shared ? gradGH : needsGradGX ? FloatBuffer(uninitializedCount: rows * gates) : nil
        let dNext = carry.map(\.pointer), dPrev = gradPrevious.map(\.pointer)
        defer { withExtendedLifetime((carry, gradPrevious, gradGX, gradGH, tableSums)) {} }
        g.withPointer { pg in
            for s in 0..<stateCount { dNext[s].update(from: pg + steps * block + s * block, count: block) }
            if let packedWeights {
                recurrence.weightHH.value.withPointer { packedWeights.packBackward(weight: $0) }
                let sums = tableSums.map { (sums: $0.pointer, index: tableIndex!) }
                let sweep = { (gradWeightHH: UnsafeMutablePointer<Float>?) in
                    self.backwardPacked(packedWeights, outputGrad: pg, dNext: dNext, gradGX: gradGX?.pointer,
                                        gradGH: gradGH.pointer, tableSums: sums, gradWeightHH: gradWeightHH)
                }
                if stepwiseWeightGradient {
                    recurrence.weightHH.accumulateGrad { sweep($0) }
                } else {
                    sweep(nil)
                }
            } else { recurrence.weightHH.value.withPointer { pw in
                let gradGX = gradGX!
                for k in stride(from: steps - 1, through: 0, by: -1) {
                    let t = time(k)
                    if let keep {
                        // A padded step's output is the constant 0: its gradient goes nowhere.
                        for r in 0..<batch where keep[t * batch + r] {
                            Kernels.add(dNext[0] + r * hidden, pg + t * block + r * hidden, into: dNext[0] + r * hidden, count: hidden)
                        }
                    } else {
                        Kernels.add(dNext[0], pg + t * block, into: dNext[0], count: block)
                    }
                    let previous = history.map { UnsafePointer($0.pointer + k * block) }
                    let rowGX = gradGX.pointer + t * batch * gates, rowGH = gradGH.pointer + k * batch * gates
                    kernel.backward(rows: batch, hidden: hidden, cache: cache.pointer + t * cacheStep,
                                    previous: previous, gradNext: dNext.map { UnsafePointer($0) },
                                    gradGx: rowGX, gradGh: rowGH, gradPrevious: dPrev)
                    if let keep {
                        for r in 0..<batch where !keep[t * batch + r] {
                            (rowGX + r * gates).update(repeating: 0, count: gates)
                            (rowGH + r * gates).update(repeating: 0, count: gates)
                            for s in 0..<stateCount { (dPrev[s] + r * hidden).update(from: dNext[s] + r * hidden, count: hidden) }
                        }
                    }
                    for s in 0..<stateCount { dNext[s].update(from: dPrev[s], count: block) }
                    BLAS.gemm(m: batch, n: hidden, k: gates, a: rowGH, lda: gates, b: pw, ldb: hidden,
                              beta: 1, c: dNext[0], ldc: hidden)
                }
            } }
        }
        let dgh = UnsafePointer(gradGH.pointer)
        if let tableSums, let tableIndex {
            let sums = UnsafePointer(tableSums.pointer)
            recurrence.weightIH.accumulateGrad { gw in
                if let lookup {
                    accumulateThroughTable(lookup, sums: sums, gradWeight: gw)
                } else {
                    // ∂W_ih[:, v] += S[v] for each of the V columns (row V is the zero input's).
                    OneHotRows.identity(width)
                        .accumulateProductTransposed(sums, ldg: gates, n: gates, into: gw, ldb: width)
                }
            }
            accumulateBiasGradients(UnsafePointer(sums), rows: tableIndex.width, gradGH: shared ? nil : dgh)
        } else {
            let dgx = UnsafePointer(gradGX!.pointer)
            input.value.withPointer { px in recurrence.weightIH.accumulateGrad { gw in
                if let oneHot {
                    oneHot.accumulateProductTransposed(dgx, ldg: gates, n: gates, into: gw, ldb: width)
                } else if let lookup {
                    let vocabulary = lookup.rows.width, sums = FloatBuffer(zeros: vocabulary * gates)
                    defer { withExtendedLifetime(sums) {} }
                    lookup.rows.accumulateTransposedProduct(dgx, ldg: gates, n: gates, into: sums.pointer, ldb: gates)
                    accumulateThroughTable(lookup, sums: sums.pointer, gradWeight: gw)
                } else {
                    BLAS.gemm(transposeA: true, m: gates, n: width, k: rows, a: dgx, lda: gates, b: px, ldb: width,
                              beta: 1, c: gw, ldc: width)
                }
            } }
            accumulateBiasGradients(dgx, rows: rows, gradGH: shared ? nil : dgh)
        }
        if !stepwiseWeightGradient {
            let previousHidden = UnsafePointer(history[0].pointer)
            recurrence.weightHH.accumulateGrad { gw in
                BLAS.gemm(transposeA: true, m: gates, n: hidden, k: rows, a: dgh, lda: gates, b: previousHidden,
                          ldb: hidden, beta: 1, c: gw, ldc: hidden)
            }
        }
        if input.requiresGrad && lookup == nil {
            let dgx = UnsafePointer(gradGX!.pointer)
            recurrence.weightIH.value.withPointer { pw in input.accumulateGrad { gin in
                BLAS.gemm(m: rows, n: width, k: gates, a: dgx, lda: gates, b: pw, ldb: width, beta: 1, c: gin, ldc: width)
            } }
        }
        for s in 0..<stateCount where initialState[s].requiresGrad {
            initialState[s].accumulateGrad(carry[s].tensor([batch, hidden]))
        }
    }

    /// ∂b_ih += the row sum of `gradGX` (`rows` rows: ∂gx itself, or its table sums), and ∂b_hh
    /// += the row sum of `gradGH` (`[T·B, G·H]`), or of `gradGX` when nil (∂gh is ∂gx). Then the
    /// sum is taken once: the `[T·B, G·H]` buffer no longer fits in cache.
    private func accumulateBiasGradients(_ gradGX: UnsafePointer<Float>, rows sourceRows: Int, gradGH: UnsafePointer<Float>?) {
        let (ih, hh) = (recurrence.biasIH, recurrence.biasHH)
        if gradGH == nil && ih.requiresGrad && hh.requiresGrad {
            let sum = FloatBuffer(zeros: gates)
            defer { withExtendedLifetime(sum) {} }
            Kernels.accumulateRowSum(gradGX, into: sum.pointer, rows: sourceRows, columns: gates)
            for bias in [ih, hh] { bias.accumulateGrad { Kernels.add($0, sum.pointer, into: $0, count: gates) } }
            return
        }
        ih.accumulateGrad { Kernels.accumulateRowSum(gradGX, into: $0, rows: sourceRows, columns: gates) }
        hh.accumulateGrad { Kernels.accumulateRowSum(gradGH ?? gradGX, into: $0, rows: gradGH == nil ? sourceRows : rows, columns: gates) }
    }

    /// For one-hot or looked-up input, the rows gx can take: `rows [V + 1, G·H]` holds
    /// `W_ihᵀ[v] + b_ih` (one-hot) or `(E·W_ihᵀ)[v] + b_ih` (lookup) for each of the V columns or
    /// table rows, and row V the bias alone (a zero input row); `index` selects row r's (gx is
    /// `index·rows`). Each entry is the same sum the dense path forms, so gx has the same bits.
    func inputRowsTable() -> (rows: FloatBuffer, index: OneHotRows)? {
        guard let columns = oneHot ?? lookup?.rows else { return nil }
        let count = columns.width, table = FloatBuffer(uninitializedCount: (count + 1) * gates)
        defer { withExtendedLifetime(table) {} }
        recurrence.weightIH.value.withPointer { pw in
            if let lookup {
                lookup.table.value.withPointer { pe in
                    BLAS.gemm(transposeB: true, m: count, n: gates, k: width, a: pe, lda: width, b: pw, ldb: width,
                              c: table.pointer, ldc: gates)
                }
            } else {
                OneHotRows.identity(count)
                    .productTransposed(b: pw, ldb: width, n: gates, c: table.pointer, ldc: gates)
            }
        }
        (table.pointer + count * gates).update(repeating: 0, count: gates)
        recurrence.biasIH.value.withPointer { Kernels.addRow($0, into: table.pointer, rows: count + 1, columns: gates) }
        return (table, OneHotRows(columns: columns.columns.map { $0 < 0 ? Int32(count) : $0 }, width: count + 1))
    }

    /// ∂W_ih += Sᵀ·E and ∂E += S·W_ih, where S `[V, G·H]` (at least V rows) sums ∂gx over the rows
    /// that looked up each table row: the gradient of `X·W_ihᵀ` with X = E[ids], without X.
    private func accumulateThroughTable(_ lookup: RowLookup, sums s: UnsafePointer<Float>, gradWeight gw: UnsafeMutablePointer<Float>) {
        let vocabulary = lookup.rows.width
        lookup.table.value.withPointer { pe in
            BLAS.gemm(transposeA: true, m: gates, n: width, k: vocabulary, a: s, lda: gates, b: pe, ldb: width,
                      beta: 1, c: gw, ldc: width)
        }
        recurrence.weightIH.value.withPointer { pw in lookup.table.accumulateGrad { ge in
            BLAS.gemm(m: vocabulary, n: width, k: gates, a: s, lda: gates, b: pw, ldb: width, beta: 1, c: ge, ldc: width)
        } }
    }
}
