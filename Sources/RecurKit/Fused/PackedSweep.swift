import CPrefetch
import RecurCore

/// The time loops of ``FusedPass`` on the packed microkernel path, split between workers in one
/// of two ways (``SweepSplit``, which also says when each is chosen).
///
/// **By units.** Worker w owns a contiguous range of hidden units (whole backward panels) and,
/// forward, the blocks that cover them. Per forward step it computes its blocks' gate tiles from
/// the whole `h_{t−1}` and writes its units of `h_t`, `c_t`; the barrier then makes `h_t` whole for
/// every worker's next product. Backward it runs the gate backward of its blocks (writing its
/// columns of ∂gx, ∂gh), waits at the barrier for every worker's ∂gh row, then adds `∂gh·W_hh`
/// for its own output units only, so one barrier per step suffices in each direction: every
/// buffer a worker writes after the barrier is one no other worker reads before the next barrier.
///
/// **By batch rows.** Worker w owns a range of batch rows and runs every unit of them through
/// the whole sequence: rows never read each other, so there is no barrier at all. Each worker
/// reads all of W_hh every step, which pays while it stays in the core's L2.
///
/// Every element is computed by the same operations in the same order either way, so the split
/// changes no bit of the outputs or of ∂gx, ∂gh; table sums (one-hot inputs) split by rows add
/// each worker's rows in its own buffer first, which regroups those additions.
extension FusedPass {
    /// The split and the worker count for this pass: `BLAS.threads` workers (the user's `--threads`)
    /// unless ``RecurrentISA/workersOverride`` is set.
    func sweepPlan(_ weights: PackedRecurrentWeights) -> (split: SweepSplit, workers: Int) {
        SweepSplit.plan(weights: weights, batch: batch, wanted: RecurrentISA.workersOverride ?? BLAS.threads)
    }

    /// Runs `body(share, worker, barrier)` on the team as `plan` divides it; alone when the team is busy.
    private func inTeam(_ weights: PackedRecurrentWeights, _ plan: (split: SweepSplit, workers: Int),
                        _ body: (SweepShare, Int, StepBarrier) -> Void) {
        let (split, workers) = plan
        let barrier = StepBarrier(parties: split == .byRows ? 1 : workers)
        if !WorkerTeam.shared.run(workers: workers, { body(split.share($0, of: workers, weights: weights, batch: batch), $0, barrier) }) {
            body(SweepSplit.byUnits.share(0, of: 1, weights: weights, batch: batch), 0, StepBarrier(parties: 1))
        }
    }

    /// Per-worker tiles for its n batch rows: a block's gate tile and gx tile (`[n][G·u]`), and
    /// `[n][u]` per state for the previous state, the next state and the state gradients.
    private final class Tiles {
        let gate: FloatBuffer, gx: FloatBuffer, previous: [FloatBuffer], next: [FloatBuffer], spare: [FloatBuffer]
        let rowFloats: Int
        init(batch: Int, gates: Int, units: Int, states: Int, panel: Int) {
            gate = FloatBuffer(uninitializedCount: batch * max(gates * units, panel))
            gx = FloatBuffer(uninitializedCount: batch * gates * units)
            previous = (0..<states).map { _ in FloatBuffer(uninitializedCount: batch * units) }
            next = (0..<states).map { _ in FloatBuffer(uninitializedCount: batch * units) }
            spare = (0..<states).map { _ in FloatBuffer(uninitializedCount: batch * units) }
            rowFloats = units
        }
    }

    /// `gx` holds the rows of the input product with the bias, `[T·B, G·H]`; or, with `rowIndex`,
    /// a table of them, row `rowIndex[t·B + r]` for time t and batch row r (``FusedPass/inputRowsTable()``).
    func forwardPacked(_ weights: PackedRecurrentWeights, gx: UnsafePointer<Float>, rowIndex: UnsafePointer<Int32>?,
                       output: UnsafeMutablePointer<Float>) {
        let kernel = recurrence.kernel
        let (B, H, G, S) = (batch, hidden, kernel.gateCount, stateCount)
        let (u, pw, ppb) = (weights.blockUnits, weights.panelWidth, weights.panelsPerBlock)
        let block = self.block, gates = self.gates, cacheStep = self.cacheStep
        let fw = UnsafePointer(weights.forward.pointer), fb = UnsafePointer(weights.bias.pointer)
        let history = self.history.map(\.pointer), cache = self.cache.pointer
        let isa = weights.isa
        inTeam(weights, sweepPlan(weights)) { share, _, barrier in
            // This worker's rows r0 ..< r0 + n: tile row i is batch row r0 + i.
            let (r0, n) = (share.rows.lowerBound, share.rows.count)
            let tiles = Tiles(batch: n, gates: G, units: u, states: S, panel: pw)
            defer { withExtendedLifetime(tiles) {} }
            let gate = tiles.gate.pointer, gxTile = tiles.gx.pointer
            let previous = tiles.previous.map { UnsafePointer($0.pointer) }, next = tiles.next.map(\.pointer)
            for k in 0..<steps {
                let t = time(k)
                let hPrevious = UnsafePointer(history[0] + k * block + r0 * H)
                for b in share.blocks {
                    let first = b * u, valid = min(u, H - first)
                    for p in 0..<ppb {
                        let panel = (b * ppb + p)
                        isa.panelProduct(rows: n, depth: H, a: hPrevious, lda: H, panel: fw + panel * H * pw,
                                         bias: fb + panel * pw, c: gate + p * pw, ldc: G * u, accumulate: false)
                    }
                    // Row r's gate g (G·H-long rows, gates H apart) is sub-row r·G + g, H apart,
                    // and tile row r·G + g: one strided copy when the rows are consecutive.
                    if let rowIndex {
                        for i in 0..<n {
                            let gxRow = gx + Int(rowIndex[t * B + r0 + i]) * gates + first
                            isa.copyRows(G, from: gxRow, stride: H, count: valid, into: gxTile + i * G * u, stride: u, width: u)
                        }
                    } else {
                        isa.copyRows(n * G, from: gx + (t * B + r0) * gates + first, stride: H, count: valid, into: gxTile, stride: u, width: u)
                    }
                    for s in 0..<S where kernel.readsPrevious(s) {
                        isa.copyRows(n, from: history[s] + k * block + r0 * H + first, stride: H, count: valid,
                                     into: tiles.previous[s].pointer, stride: u, width: u)
                    }
                    kernel.forward(rows: n, hidden: u, gx: gxTile, gh: gate, previous: previous, next: next,
                                   cache: cache + t * cacheStep + (b * B + r0) * kernel.cacheWidth * u)
                    let o = output + t * block + r0 * H + first
                    // State s of this worker's row i goes to history[s] + saved + i·H.
                    let saved = (k + 1) * block + r0 * H + first
                    if let keep {
                        for i in 0..<n {
                            let padded = !keep[t * B + r0 + i]
                            for s in 0..<S {
                                let source = padded ? UnsafePointer(history[s] + k * block + (r0 + i) * H + first) : UnsafePointer(next[s] + i * u)
                                isa.copyRows(1, from: source, stride: 0, count: valid, into: history[s] + saved + i * H, stride: 0, width: valid)
                            }
                            if padded {
                                isa.zeroRows(1, o + i * H, stride: 0, count: valid)
                            } else {
                                isa.copyRows(1, from: next[0] + i * u, stride: 0, count: valid, into: o + i * H, stride: 0, width: valid)
                            }
                        }
                    } else {
                        for s in 0..<S {
                            isa.copyRows(n, from: next[s], stride: u, count: valid, into: history[s] + saved, stride: H, width: valid)
                        }
                        isa.copyRows(n, from: next[0], stride: u, count: valid, into: o, stride: H, width: valid)
                    }
                }
                barrier.wait()
            }
        }
    }

    /// `gradGX` (rows in time order) may be nil when nothing reads ∂gx but the table sums: with
    /// `tableSums`, ∂gx row `t·B + r` is also added to `sums` row `index.columns[t·B + r]`.
    ///
    /// With `gradWeightHH` (`[G·H, H]`), `∂W_hh += ∂gh_kᵀ·h_{k−1}` for every step k, in the order
    /// k = T−1, …, 0 whatever the split: split by units, each worker adds its own gate rows during
    /// the sweep, while its ∂gh rows are still in cache; split by rows, where no worker has a whole
    /// ∂gh row, the same products run by units after the sweep, so the bits are the same.
    func backwardPacked(_ weights: PackedRecurrentWeights, outputGrad pg: UnsafePointer<Float>,
                        dNext: [UnsafeMutablePointer<Float>], gradGX: UnsafeMutablePointer<Float>?,
                        gradGH: UnsafeMutablePointer<Float>,
                        tableSums: (sums: UnsafeMutablePointer<Float>, index: OneHotRows)?,
                        gradWeightHH: UnsafeMutablePointer<Float>?) {
        let kernel = recurrence.kernel
        let (B, H, G, S) = (batch, hidden, kernel.gateCount, stateCount)
        let (u, pw) = (weights.blockUnits, weights.panelWidth)
        let block = self.block, gates = self.gates, cacheStep = self.cacheStep
        let bw = UnsafePointer(weights.backward!.pointer)
        let history = self.history.map(\.pointer), cache = UnsafePointer(self.cache.pointer)
        let isa = weights.isa
        let sharedGradients = gradGH == gradGX
        let sums = tableSums?.sums
        // Split by rows, workers after the first sum their table rows apart (two batch rows
        // may share a table row), added in after the sweep.
        let plan = sweepPlan(weights)
        let ownSums = sums == nil || plan.split == .byUnits ? [] : (1..<plan.workers).map { _ in FloatBuffer(zeros: tableSums!.index.width * gates) }
        defer { withExtendedLifetime(ownSums) {} }
        // Row r's table row (nil without table sums), read in place by every worker.
        (tableSums?.index.columns ?? []).withUnsafeBufferPointer { index in
            let tableRow = sums == nil ? nil : index.baseAddress
            inTeam(weights, plan) { share, w, barrier in
                let (r0, n) = (share.rows.lowerBound, share.rows.count)
                let sums = w == 0 || ownSums.isEmpty ? sums : ownSums[w - 1].pointer
                let tiles = Tiles(batch: n, gates: G, units: u, states: S, panel: pw)
                defer { withExtendedLifetime(tiles) {} }
                let gate = tiles.gate.pointer, gxTile = tiles.gx.pointer
                let previous = tiles.previous.map { UnsafePointer($0.pointer) }
                let gradNext = tiles.next.map { UnsafePointer($0.pointer) }, gradPrevious = tiles.spare.map(\.pointer)
                let own = share.units
                let stepGradient = plan.split == .byUnits ? gradWeightHH.map { WeightGradientStep(self, weights, units: own, into: $0) } : nil
                defer { withExtendedLifetime(stepGradient) {} }
                for k in stride(from: steps - 1, through: 0, by: -1) {
                    let t = time(k)
                    // The states saved at step k − 1 left the caches during the forward pass; reading
                    // them at the next step stalled on every row (perf: a fifth of this loop's samples
                    // on one load). Asked for now, they arrive while this step's products run. The same
                    // for the rows of ∂gx (and ∂gh) written next step, whose first writes missed.
                    if k > 0 {
                        for s in 0..<S {
                            let saved = history[s] + (k - 1) * block + own.lowerBound
                            for r in share.rows {
                                var offset = 0
                                while offset < own.count {
                                    recur_prefetch(saved + r * H + offset)
                                    offset += 16
                                }
                            }
                        }
                        let rowsGX = gradGX.map { $0 + time(k - 1) * B * gates + own.lowerBound }
                        let rowsGH = gradGH + (k - 1) * B * gates + own.lowerBound
                        for r in share.rows {
                            for g in 0..<G {
                                var offset = 0
                                while offset < own.count {
                                    if let rowsGX { recur_prefetch_for_write(rowsGX + r * gates + g * H + offset) }
                                    if !sharedGradients { recur_prefetch_for_write(rowsGH + r * gates + g * H + offset) }
                                    offset += 16
                                }
                            }
                        }
                    }
                    for r in share.rows where keep?[t * B + r] ?? true {
                        let d = dNext[0] + r * H + own.lowerBound
                        Kernels.add(d, pg + t * block + r * H + own.lowerBound, into: d, count: own.count)
                    }
                    for b in share.blocks {
                        let first = b * u, valid = min(u, H - first)
                        for s in 0..<S {
                            if kernel.readsPrevious(s) {
                                isa.copyRows(n, from: history[s] + k * block + r0 * H + first, stride: H, count: valid,
                                             into: tiles.previous[s].pointer, stride: u, width: u)
                            }
                            isa.copyRows(n, from: dNext[s] + r0 * H + first, stride: H, count: valid, into: tiles.next[s].pointer,
                                         stride: u, width: u)
                        }
                        // With one gradient buffer for ∂gx and ∂gh, the kernel writes the tile once.
                        kernel.backward(rows: n, hidden: u, cache: cache + t * cacheStep + (b * B + r0) * kernel.cacheWidth * u,
                                        previous: previous, gradNext: gradNext, gradGx: gxTile, gradGh: sharedGradients ? gxTile : gate,
                                        gradPrevious: gradPrevious)
                        // As forward: tile row i·G + g is ∂gx's sub-row (r0 + i)·G + g, H apart.
                        let gxRows = gradGX.map { $0 + (t * B + r0) * gates + first }, ghRows = gradGH + (k * B + r0) * gates + first
                        for i in 0..<n where keep?[t * B + r0 + i] ?? true {
                            // Table row sums while the tile is in L1 (a padded row's ∂gx is 0).
                            if let sums, let tableRow {
                                isa.accumulateRows(G, from: gxTile + i * G * u, stride: u, count: valid,
                                                   into: sums + Int(tableRow[t * B + r0 + i]) * gates + first, stride: H)
                            }
                        }
                        if let keep {
                            for i in 0..<n {
                                if !keep[t * B + r0 + i] {
                                    // A padded step passes the state gradient through untouched.
                                    if let gxRows { isa.zeroRows(G, gxRows + i * gates, stride: H, count: valid) }
                                    isa.zeroRows(G, ghRows + i * gates, stride: H, count: valid)
                                } else {
                                    if let gxRows {
                                        isa.copyRows(G, from: gxTile + i * G * u, stride: u, count: valid, into: gxRows + i * gates,
                                                     stride: H, width: valid)
                                    }
                                    if !sharedGradients {
                                        isa.copyRows(G, from: gate + i * G * u, stride: u, count: valid, into: ghRows + i * gates,
                                                     stride: H, width: valid)
                                    }
                                    for s in 0..<S {
                                        isa.copyRows(1, from: gradPrevious[s] + i * u, stride: 0, count: valid,
                                                     into: dNext[s] + (r0 + i) * H + first, stride: 0, width: valid)
                                    }
                                }
                            }
                        } else {
                            if let gxRows { isa.copyRows(n * G, from: gxTile, stride: u, count: valid, into: gxRows, stride: H, width: valid) }
                            // One buffer serves both when the kernel's ∂gx and ∂gh agree.
                            if !sharedGradients {
                                isa.copyRows(n * G, from: gate, stride: u, count: valid, into: ghRows, stride: H, width: valid)
                            }
                            for s in 0..<S {
                                isa.copyRows(n, from: gradPrevious[s], stride: u, count: valid, into: dNext[s] + r0 * H + first,
                                             stride: H, width: valid)
                            }
                        }
                    }
                    stepGradient?.add(step: k, gradGH: gradGH)
                    barrier.wait()
                    let rowsGH = UnsafePointer(gradGH + (k * B + r0) * gates), dRows = dNext[0] + r0 * H
                    for q in share.groups {
                        let first = q * pw, valid = min(pw, H - first), panel = bw + q * gates * pw
                        if valid == pw {
                            isa.panelProduct(rows: n, depth: gates, a: rowsGH, lda: gates, panel: panel, bias: nil,
                                             c: dRows + first, ldc: H, accumulate: true)
                        } else {
                            isa.copyRows(n, from: dRows + first, stride: H, count: valid, into: gate, stride: pw, width: pw)
                            isa.panelProduct(rows: n, depth: gates, a: rowsGH, lda: gates, panel: panel, bias: nil,
                                             c: gate, ldc: pw, accumulate: true)
                            isa.copyRows(n, from: gate, stride: pw, count: valid, into: dRows + first, stride: H, width: valid)
                        }
                    }
                }
            }
        }
        if let sums {
            for extra in ownSums { Kernels.add(sums, extra.pointer, into: sums, count: extra.count) }
        }
        if let gradWeightHH, plan.split == .byRows {
            inTeam(weights, (.byUnits, min(plan.workers, weights.groups))) { share, _, _ in
                let stepGradient = WeightGradientStep(self, weights, units: share.units, into: gradWeightHH)
                for k in stride(from: steps - 1, through: 0, by: -1) { stepGradient.add(step: k, gradGH: gradGH) }
            }
        }
    }

    /// The largest ∂W_hh taken step by step: one core's L2 (``CoreCache``), where it then stays
    /// between steps. On Zen 4 (1 MiB L2), one thread: a 1×128 LSTM's (256 KiB) trained 7% faster
    /// this way than with one product after the sweep, a 1×256 LSTM's (1 MiB) 1.4–2.4% and a 1×256
    /// GRU's (768 KiB) 3.5%; a 2×512 LSTM's (4 MiB, streamed from L3 every step) 5% slower.
    static var stepGradientBytes: Int { CoreCache.level2Bytes }

    /// One worker's rows of `∂W_hh` (`[G·H, H]`): the rows `g·H + u` of its units u for every gate
    /// g, `+= ∂gh_kᵀ·h_{k−1}` one step at a time (B deep), with `h_{k−1}` packed into panels first.
    private final class WeightGradientStep {
        let pass: FusedPass, weights: PackedRecurrentWeights, units: Range<Int>, gradient: UnsafeMutablePointer<Float>
        let panels: FloatBuffer, tile: FloatBuffer

        init(_ pass: FusedPass, _ weights: PackedRecurrentWeights, units: Range<Int>, into gradient: UnsafeMutablePointer<Float>) {
            (self.pass, self.weights, self.units, self.gradient) = (pass, weights, units, gradient)
            panels = FloatBuffer(uninitializedCount: pass.batch * weights.groups * weights.panelWidth)
            tile = FloatBuffer(uninitializedCount: max(1, units.count) * weights.panelWidth)
        }

        func add(step k: Int, gradGH: UnsafePointer<Float>) {
            guard !units.isEmpty else { return }
            let (B, H, gates) = (pass.batch, pass.hidden, pass.gates)
            let isa = weights.isa
            isa.packPanels(transposed: false, b: pass.history[0].pointer + k * pass.block, ldb: H, depth: B, n: H,
                           into: panels.pointer)
            for g in 0..<pass.recurrence.kernel.gateCount {
                let first = g * H + units.lowerBound
                isa.accumulateTransposedProduct(m: units.count, n: H, depth: B, a: gradGH + k * B * gates + first, lda: gates,
                                                panels: panels.pointer, c: gradient + first * H, ldc: H, tile: tile.pointer)
            }
        }
    }
}
