/// A fused path that can trade time for memory: it keeps the state only at the start of every
/// segment of K steps and recomputes each segment's forward during backward.
///
/// The full fused pass keeps, for all T steps, the gate cache `[T·B, C·H]` (C = 5 for an LSTM),
/// the state history `[T+1, B, H]` per state, and in backward ∂GX and ∂GH `[T·B, G·H]` — at
/// T = 10,000, B = 32, H = 512 each `[T·B, 4H]` buffer is 2.6 GB. With segments of K steps these
/// become K-step buffers plus ⌈T/K⌉ checkpoints: O(T/K + K) in the sequence dimension instead of
/// O(T), at the price of a second forward sweep (K ≈ √T keeps least). The outputs `[T, B, H]`
/// remain whole, since the layers above read them.
public protocol RecomputingSequencePath: FusedSequencePath {
    /// As ``FusedSequencePath/run(input:initialState:mask:reverse:)``, with values and gradients
    /// equal to it (up to float summation order), keeping states only every `segment` steps.
    func run(input: Variable, initialState: [Variable], mask: Tensor?, reverse: Bool, segment: Int)
        -> (output: Variable, state: [Variable])
}

extension FusedRecurrence: RecomputingSequencePath {
    public func run(input: Variable, initialState: [Variable], mask: Tensor?, reverse: Bool, segment: Int)
        -> (output: Variable, state: [Variable]) {
        precondition(segment >= 1, "recompute: segment length \(segment) is not positive")
        let pass = RecomputingPass(recurrence: self, input: input, initialState: initialState, mask: mask,
                                   reverse: reverse, segment: segment)
        return node(pass.forward(), input: input, initialState: initialState, label: "fused-recompute-\(Kernel.self)",
                    backward: pass.backward)
    }
}

/// One segmented forward pass and its backward. Segments run in processing order: segment j
/// holds steps k ∈ [jK, min((j+1)K, T)), which for a reverse pass are the time steps
/// t = T−1−k — still a contiguous block of input rows, so each segment's input projection and
/// weight gradients are single products over `L·B` rows.
final class RecomputingPass<Kernel: GateKernel> {
    let recurrence: FusedRecurrence<Kernel>
    let input: Variable, initialState: [Variable]
    let keep: [Bool]?
    let reverse: Bool
    let steps: Int, batch: Int, width: Int, hidden: Int, gates: Int, stateCount: Int, cacheRow: Int
    let segment: Int, segments: Int
    var block: Int { batch * hidden }
    /// checkpoints[s] slot j holds state s before segment j: the only states kept between forward and backward.
    let checkpoints: [FloatBuffer]
    /// The input's rows when each is one-hot: each segment's input product is then a gather and
    /// its ∂W_ih a scatter (``FusedPass``'s `oneHot`).
    let oneHot: OneHotRows?

    init(recurrence: FusedRecurrence<Kernel>, input: Variable, initialState: [Variable], mask: Tensor?,
         reverse: Bool, segment: Int) {
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
        self.segment = min(segment, max(steps, 1))
        segments = (steps + self.segment - 1) / self.segment
        let (b, h, n) = (batch, hidden, stateCount)
        let kept = max(segments, 1) * b * h
        checkpoints = (0..<n).map { _ in FloatBuffer(uninitializedCount: kept) }
        let (rows, width) = (steps * batch, width)
        oneHot = input.value.withPointer { OneHotRows($0, rows: rows, width: width) }
        precondition(initialState.count == n && initialState.allSatisfy { $0.shape == [b, h] },
                     "fused path: initial state \(initialState.map(\.shape)) is not \(n) × [\(b), \(h)]")
    }

    func time(_ k: Int) -> Int { reverse ? steps - 1 - k : k }

    /// The one-hot rows of time rows `[firstTime, firstTime + length)`.
    func oneHotRows(firstTime: Int, length: Int) -> OneHotRows? {
        oneHot?.rows((firstTime * batch)..<((firstTime + length) * batch))
    }

    /// Processing steps `[start, start + length)` of segment j and their first time row.
    func bounds(_ j: Int) -> (start: Int, length: Int, firstTime: Int) {
        let start = j * segment, length = min(segment, steps - start)
        return (start, length, reverse ? steps - start - length : start)
    }

    /// Buffers for one segment, allocated per sweep so that nothing segment-sized outlives it.
    struct Workspace {
        /// Input projection of the segment's time rows, `[L·B, G·H]`, rows in time order.
        let gx: FloatBuffer
        let gh: FloatBuffer
        /// Gate cache `[L·B, C·H]`, rows in processing order.
        let cache: FloatBuffer
        /// Per state `[(L+1)·B, H]`: slot i is the state before the segment's step i.
        let history: [FloatBuffer]

        init(_ pass: RecomputingPass) {
            let rows = pass.segment * pass.batch
            gx = FloatBuffer(uninitializedCount: rows * pass.gates)
            gh = FloatBuffer(uninitializedCount: pass.batch * pass.gates)
            cache = FloatBuffer(uninitializedCount: rows * pass.cacheRow)
            history = (0..<pass.stateCount).map { _ in FloatBuffer(uninitializedCount: (pass.segment + 1) * pass.block) }
        }
    }

    /// Runs segment j forward from its checkpoint, filling `work`; writes outputs into `packed`
    /// when given (the first sweep) and leaves the segment's last state in history slot L.
    func sweep(_ j: Int, _ work: Workspace, packed: UnsafeMutablePointer<Float>?) {
        let kernel = recurrence.kernel
        let block = self.block
        let (start, length, firstTime) = bounds(j)
        for s in 0..<stateCount { work.history[s].pointer.update(from: checkpoints[s].pointer + j * block, count: block) }
        let segmentRows = oneHotRows(firstTime: firstTime, length: length)
        input.value.withPointer { px in recurrence.weightIH.value.withPointer { pw in
            if let segmentRows {
                segmentRows.productTransposed(b: pw, ldb: width, n: gates, c: work.gx.pointer, ldc: gates)
            } else {
                BLAS.gemm(transposeB: true, m: length * batch, n: gates, k: width, a: px + firstTime * batch * width,
                          lda: width, b: pw, ldb: width, c: work.gx.pointer, ldc: gates)
            }
        } }
        recurrence.biasIH.value.withPointer { Kernels.addRow($0, into: work.gx.pointer, rows: length * batch, columns: gates) }
        recurrence.weightHH.value.withPointer { pw in recurrence.biasHH.value.withPointer { pb in
            for i in 0..<length {
                let t = time(start + i)
                let previous = work.history.map { UnsafePointer($0.pointer + i * block) }
                let next = work.history.map { $0.pointer + (i + 1) * block }
                for r in 0..<batch { (work.gh.pointer + r * gates).update(from: pb, count: gates) }
                BLAS.gemm(transposeB: true, m: batch, n: gates, k: hidden, a: previous[0], lda: hidden,
                          b: pw, ldb: hidden, beta: 1, c: work.gh.pointer, ldc: gates)
                kernel.forward(rows: batch, hidden: hidden, gx: work.gx.pointer + (t - firstTime) * batch * gates,
                               gh: work.gh.pointer, previous: previous, next: next,
                               cache: work.cache.pointer + i * batch * cacheRow)
                let o = packed.map { $0 + t * block }
                o?.update(from: next[0], count: block)
                if let keep {
                    for r in 0..<batch where !keep[t * batch + r] {
                        for s in 0..<stateCount { (next[s] + r * hidden).update(from: previous[s] + r * hidden, count: hidden) }
                        if let o { (o + r * hidden).update(repeating: 0, count: hidden) }
                    }
                }
            }
        } }
    }

    func forward() -> Tensor {
        let block = self.block
        for s in 0..<stateCount {
            initialState[s].value.withPointer { checkpoints[s].pointer.update(from: $0, count: block) }
        }
        let work = Workspace(self)
        defer { withExtendedLifetime(work) {} }
        return Tensor.make([steps * block + stateCount * block]) { packed in
            for j in 0..<segments {
                sweep(j, work, packed: packed)
                let last = bounds(j).length * block
                for s in 0..<stateCount {
                    let state = UnsafePointer(work.history[s].pointer + last)
                    if j + 1 < segments { (checkpoints[s].pointer + (j + 1) * block).update(from: state, count: block) }
                    else { (packed + steps * block + s * block).update(from: state, count: block) }
                }
            }
            if segments == 0 {
                for s in 0..<stateCount { (packed + s * block).update(from: checkpoints[s].pointer, count: block) }
            }
        }
    }

    func backward(_ g: Tensor) {
        let kernel = recurrence.kernel
        let block = self.block
        let work = Workspace(self)
        let rows = segment * batch
        let carry = (0..<stateCount).map { _ in FloatBuffer(uninitializedCount: block) }
        let gradPrevious = (0..<stateCount).map { _ in FloatBuffer(uninitializedCount: block) }
        let gradGX = FloatBuffer(uninitializedCount: rows * gates)   // rows in time order
        let gradGH = FloatBuffer(uninitializedCount: rows * gates)   // rows in processing order
        let dNext = carry.map(\.pointer), dPrev = gradPrevious.map(\.pointer)
        defer { withExtendedLifetime((work, carry, gradPrevious, gradGX, gradGH)) {} }
        g.withPointer { pg in
            for s in 0..<stateCount { dNext[s].update(from: pg + steps * block + s * block, count: block) }
            for j in stride(from: segments - 1, through: 0, by: -1) {
                sweep(j, work, packed: nil)
                let (start, length, firstTime) = bounds(j)
                recurrence.weightHH.value.withPointer { pw in
                    for i in stride(from: length - 1, through: 0, by: -1) {
                        let t = time(start + i)
                        if let keep {
                            // A padded step's output is the constant 0: its gradient goes nowhere.
                            for r in 0..<batch where keep[t * batch + r] {
                                Kernels.add(dNext[0] + r * hidden, pg + t * block + r * hidden, into: dNext[0] + r * hidden, count: hidden)
                            }
                        } else {
                            Kernels.add(dNext[0], pg + t * block, into: dNext[0], count: block)
                        }
                        let previous = work.history.map { UnsafePointer($0.pointer + i * block) }
                        let rowGX = gradGX.pointer + (t - firstTime) * batch * gates, rowGH = gradGH.pointer + i * batch * gates
                        kernel.backward(rows: batch, hidden: hidden, cache: work.cache.pointer + i * batch * cacheRow,
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
                }
                accumulateWeightGradients(rows: length * batch, firstTime: firstTime, gradGX: gradGX, gradGH: gradGH,
                                          previousHidden: work.history[0])
            }
        }
        for s in 0..<stateCount where initialState[s].requiresGrad {
            initialState[s].accumulateGrad(carry[s].tensor([batch, hidden]))
        }
    }

    /// One segment's share of the products the full pass makes once: ∂W_ih += ∂GXᵀ·X,
    /// ∂W_hh += ∂GHᵀ·H_prev, ∂X = ∂GX·W_ih, and the bias row sums, over its `rows` = L·B rows.
    func accumulateWeightGradients(rows: Int, firstTime: Int, gradGX: FloatBuffer, gradGH: FloatBuffer,
                                   previousHidden: FloatBuffer) {
        let dgx = UnsafePointer(gradGX.pointer), dgh = UnsafePointer(gradGH.pointer)
        let inputOffset = firstTime * batch * width
        let segmentRows = oneHotRows(firstTime: firstTime, length: rows / batch)
        input.value.withPointer { px in recurrence.weightIH.accumulateGrad { gw in
            if let segmentRows {
                segmentRows.accumulateProductTransposed(dgx, ldg: gates, n: gates, into: gw, ldb: width)
            } else {
                BLAS.gemm(transposeA: true, m: gates, n: width, k: rows, a: dgx, lda: gates, b: px + inputOffset, ldb: width,
                          beta: 1, c: gw, ldc: width)
            }
        } }
        recurrence.biasIH.accumulateGrad { Kernels.accumulateRowSum(dgx, into: $0, rows: rows, columns: gates) }
        recurrence.weightHH.accumulateGrad { gw in
            BLAS.gemm(transposeA: true, m: gates, n: hidden, k: rows, a: dgh, lda: gates, b: UnsafePointer(previousHidden.pointer),
                      ldb: hidden, beta: 1, c: gw, ldc: hidden)
        }
        recurrence.biasHH.accumulateGrad { Kernels.accumulateRowSum(dgh, into: $0, rows: rows, columns: gates) }
        if input.requiresGrad {
            recurrence.weightIH.value.withPointer { pw in input.accumulateGrad { gin in
                BLAS.gemm(m: rows, n: width, k: gates, a: dgx, lda: gates, b: pw, ldb: width, beta: 1,
                          c: gin + inputOffset, ldc: width)
            } }
        }
    }
}
