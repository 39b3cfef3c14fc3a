import CPrefetch
import RecurCore

/// The time loops of ``FusedPass`` on the packed microkernel path, split between workers.
///
/// Worker w owns a contiguous range of hidden units (whole backward panels) and, forward, the
/// blocks that cover them. Per forward step it computes its blocks' gate tiles from the whole
/// `h_{t−1}` and writes its units of `h_t`, `c_t`; the barrier then makes `h_t` whole for every
/// worker's next product. Backward it runs the gate backward of its blocks (writing its columns of
/// ∂gx, ∂gh), waits at the barrier for every worker's ∂gh row, then adds `∂gh·W_hh` for its own
/// output units only, so one barrier per step suffices in each direction: every buffer a worker
/// writes after the barrier is one no other worker reads before the next barrier.
extension FusedPass {
    /// Worker count for this pass: `BLAS.threads` (the user's `--threads`), at most one per panel.
    func recurrentWorkers(_ weights: PackedRecurrentWeights) -> Int {
        max(1, min(RecurrentISA.workersOverride ?? BLAS.threads, weights.groups))
    }

    /// Runs `body(worker, workers, barrier)` on the team; alone when the team is busy.
    private func inTeam(_ weights: PackedRecurrentWeights, _ body: (Int, Int, StepBarrier) -> Void) {
        let workers = recurrentWorkers(weights)
        let barrier = StepBarrier(parties: workers)
        if !WorkerTeam.shared.run(workers: workers, { body($0, workers, barrier) }) {
            body(0, 1, StepBarrier(parties: 1))
        }
    }

    /// Per-worker tiles: a block's gate tile and gx tile (`[B][G·u]`), and `[B][u]` per state for
    /// the previous state, the next state and the state gradients.
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
        inTeam(weights) { w, workers, barrier in
            let share = weights.share(w, of: workers)
            let tiles = Tiles(batch: B, gates: G, units: u, states: S, panel: pw)
            defer { withExtendedLifetime(tiles) {} }
            let gate = tiles.gate.pointer, gxTile = tiles.gx.pointer
            let previous = tiles.previous.map { UnsafePointer($0.pointer) }, next = tiles.next.map(\.pointer)
            for k in 0..<steps {
                let t = time(k)
                let hPrevious = UnsafePointer(history[0] + k * block)
                for b in share.blocks {
                    let first = b * u, valid = min(u, H - first)
                    for p in 0..<ppb {
                        let panel = (b * ppb + p)
                        isa.panelProduct(rows: B, depth: H, a: hPrevious, lda: H, panel: fw + panel * H * pw,
                                         bias: fb + panel * pw, c: gate + p * pw, ldc: G * u, accumulate: false)
                    }
                    // Row r's gate g (G·H-long rows, gates H apart) is sub-row r·G + g, H apart,
                    // and tile row r·G + g: one strided copy when the rows are consecutive.
                    if let rowIndex {
                        for r in 0..<B {
                            let gxRow = gx + Int(rowIndex[t * B + r]) * gates + first
                            isa.copyRows(G, from: gxRow, stride: H, count: valid, into: gxTile + r * G * u, stride: u, width: u)
                        }
                    } else {
                        isa.copyRows(B * G, from: gx + t * B * gates + first, stride: H, count: valid, into: gxTile, stride: u, width: u)
                    }
                    for s in 0..<S {
                        isa.copyRows(B, from: history[s] + k * block + first, stride: H, count: valid,
                                     into: tiles.previous[s].pointer, stride: u, width: u)
                    }
                    kernel.forward(rows: B, hidden: u, gx: gxTile, gh: gate, previous: previous, next: next,
                                   cache: cache + t * cacheStep + b * B * kernel.cacheWidth * u)
                    let o = output + t * block + first
                    if let keep {
                        for r in 0..<B {
                            let padded = !keep[t * B + r]
                            for s in 0..<S {
                                let source = padded ? UnsafePointer(history[s] + k * block + r * H + first) : UnsafePointer(next[s] + r * u)
                                isa.copyRows(1, from: source, stride: 0, count: valid,
                                             into: history[s] + (k + 1) * block + r * H + first, stride: 0, width: valid)
                            }
                            if padded {
                                isa.zeroRows(1, o + r * H, stride: 0, count: valid)
                            } else {
                                isa.copyRows(1, from: next[0] + r * u, stride: 0, count: valid, into: o + r * H, stride: 0, width: valid)
                            }
                        }
                    } else {
                        for s in 0..<S {
                            isa.copyRows(B, from: next[s], stride: u, count: valid, into: history[s] + (k + 1) * block + first,
                                         stride: H, width: valid)
                        }
                        isa.copyRows(B, from: next[0], stride: u, count: valid, into: o, stride: H, width: valid)
                    }
                }
                barrier.wait()
            }
        }
    }

    /// `gradGX` (rows in time order) may be nil when nothing reads ∂gx but the table sums: with
    /// `tableSums`, ∂gx row `t·B + r` is also added to `sums` row `index.columns[t·B + r]`.
    func backwardPacked(_ weights: PackedRecurrentWeights, outputGrad pg: UnsafePointer<Float>,
                        dNext: [UnsafeMutablePointer<Float>], gradGX: UnsafeMutablePointer<Float>?,
                        gradGH: UnsafeMutablePointer<Float>,
                        tableSums: (sums: UnsafeMutablePointer<Float>, index: OneHotRows)?) {
        let kernel = recurrence.kernel
        let (B, H, G, S) = (batch, hidden, kernel.gateCount, stateCount)
        let (u, pw) = (weights.blockUnits, weights.panelWidth)
        let block = self.block, gates = self.gates, cacheStep = self.cacheStep
        let bw = UnsafePointer(weights.backward!.pointer)
        let history = self.history.map(\.pointer), cache = UnsafePointer(self.cache.pointer)
        let isa = weights.isa
        let sharedGradients = gradGH == gradGX
        let sums = tableSums?.sums
        // Row r's table row (nil without table sums), read in place by every worker.
        (tableSums?.index.columns ?? []).withUnsafeBufferPointer { index in
            let tableRow = sums == nil ? nil : index.baseAddress
            inTeam(weights) { w, workers, barrier in
                let share = weights.share(w, of: workers)
                let tiles = Tiles(batch: B, gates: G, units: u, states: S, panel: pw)
                defer { withExtendedLifetime(tiles) {} }
                let gate = tiles.gate.pointer, gxTile = tiles.gx.pointer
                let previous = tiles.previous.map { UnsafePointer($0.pointer) }
                let gradNext = tiles.next.map { UnsafePointer($0.pointer) }, gradPrevious = tiles.spare.map(\.pointer)
                let own = share.units
                for k in stride(from: steps - 1, through: 0, by: -1) {
                    let t = time(k)
                    // The states saved at step k − 1 left the caches during the forward pass; reading
                    // them at the next step stalled on every row (perf: a fifth of this loop's samples
                    // on one load). Asked for now, they arrive while this step's products run. The same
                    // for the rows of ∂gx (and ∂gh) written next step, whose first writes missed.
                    if k > 0 {
                        for s in 0..<S {
                            let saved = history[s] + (k - 1) * block + own.lowerBound
                            for r in 0..<B {
                                var offset = 0
                                while offset < own.count {
                                    recur_prefetch(saved + r * H + offset)
                                    offset += 16
                                }
                            }
                        }
                        let rowsGX = gradGX.map { $0 + time(k - 1) * B * gates + own.lowerBound }
                        let rowsGH = gradGH + (k - 1) * B * gates + own.lowerBound
                        for r in 0..<B {
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
                    for r in 0..<B where keep?[t * B + r] ?? true {
                        let d = dNext[0] + r * H + own.lowerBound
                        Kernels.add(d, pg + t * block + r * H + own.lowerBound, into: d, count: own.count)
                    }
                    for b in share.blocks {
                        let first = b * u, valid = min(u, H - first)
                        for s in 0..<S {
                            isa.copyRows(B, from: history[s] + k * block + first, stride: H, count: valid,
                                         into: tiles.previous[s].pointer, stride: u, width: u)
                            isa.copyRows(B, from: dNext[s] + first, stride: H, count: valid, into: tiles.next[s].pointer, stride: u, width: u)
                        }
                        kernel.backward(rows: B, hidden: u, cache: cache + t * cacheStep + b * B * kernel.cacheWidth * u,
                                        previous: previous, gradNext: gradNext, gradGx: gxTile, gradGh: gate,
                                        gradPrevious: gradPrevious)
                        // As forward: tile row r·G + g is ∂gx's sub-row r·G + g, H apart.
                        let gxRows = gradGX.map { $0 + t * B * gates + first }, ghRows = gradGH + k * B * gates + first
                        for r in 0..<B where keep?[t * B + r] ?? true {
                            // Table row sums while the tile is in L1 (a padded row's ∂gx is 0).
                            if let sums, let tableRow {
                                isa.accumulateRows(G, from: gxTile + r * G * u, stride: u, count: valid,
                                                   into: sums + Int(tableRow[t * B + r]) * gates + first, stride: H)
                            }
                        }
                        if let keep {
                            for r in 0..<B {
                                if !keep[t * B + r] {
                                    // A padded step passes the state gradient through untouched.
                                    if let gxRows { isa.zeroRows(G, gxRows + r * gates, stride: H, count: valid) }
                                    isa.zeroRows(G, ghRows + r * gates, stride: H, count: valid)
                                } else {
                                    if let gxRows {
                                        isa.copyRows(G, from: gxTile + r * G * u, stride: u, count: valid, into: gxRows + r * gates,
                                                     stride: H, width: valid)
                                    }
                                    if !sharedGradients {
                                        isa.copyRows(G, from: gate + r * G * u, stride: u, count: valid, into: ghRows + r * gates,
                                                     stride: H, width: valid)
                                    }
                                    for s in 0..<S {
                                        isa.copyRows(1, from: gradPrevious[s] + r * u, stride: 0, count: valid,
                                                     into: dNext[s] + r * H + first, stride: 0, width: valid)
                                    }
                                }
                            }
                        } else {
                            if let gxRows { isa.copyRows(B * G, from: gxTile, stride: u, count: valid, into: gxRows, stride: H, width: valid) }
                            // One buffer serves both when the kernel's ∂gx and ∂gh agree.
                            if !sharedGradients {
                                isa.copyRows(B * G, from: gate, stride: u, count: valid, into: ghRows, stride: H, width: valid)
                            }
                            for s in 0..<S {
                                isa.copyRows(B, from: gradPrevious[s], stride: u, count: valid, into: dNext[s] + first, stride: H, width: valid)
                            }
                        }
                    }
                    barrier.wait()
                    let rowsGH = UnsafePointer(gradGH + k * B * gates)
                    for q in share.groups {
                        let first = q * pw, valid = min(pw, H - first), panel = bw + q * gates * pw
                        if valid == pw {
                            isa.panelProduct(rows: B, depth: gates, a: rowsGH, lda: gates, panel: panel, bias: nil,
                                             c: dNext[0] + first, ldc: H, accumulate: true)
                        } else {
                            isa.copyRows(B, from: dNext[0] + first, stride: H, count: valid, into: gate, stride: pw, width: pw)
                            isa.panelProduct(rows: B, depth: gates, a: rowsGH, lda: gates, panel: panel, bias: nil,
                                             c: gate, ldc: pw, accumulate: true)
                            isa.copyRows(B, from: gate, stride: pw, count: valid, into: dNext[0] + first, stride: H, width: valid)
                        }
                    }
                }
            }
        }
    }
}
