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
/// Copies a few floats. The tiles' rows are 8–64 floats: a call to memmove per row cost 15% of a
/// small LSTM's training step (perf), so the copy is inlined.
@inline(__always)
func copyFloats(_ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, _ count: Int) {
    var i = 0
    while i + 8 <= count {
        UnsafeMutableRawPointer(target + i).storeBytes(of: UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Float>.self),
                                                       as: SIMD8<Float>.self)
        i += 8
    }
    while i < count { target[i] = source[i]; i += 1 }
}

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

    /// Copies `count` floats of `rows` rows (stride `from`/`to`) and zero-fills each target row up to `width`.
    @inline(__always)
    private func gather(rows: Int, _ source: UnsafePointer<Float>, stride: Int, count: Int,
                        into target: UnsafeMutablePointer<Float>, width: Int) {
        for r in 0..<rows {
            copyFloats(source + r * stride, target + r * width, count)
            if count < width { (target + r * width + count).update(repeating: 0, count: width - count) }
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
                    for r in 0..<B {
                        let row = t * B + r
                        let gxRow = gx + (rowIndex.map { Int($0[row]) } ?? row) * gates + first
                        for g in 0..<G {
                            let target = gxTile + r * G * u + g * u
                            copyFloats(gxRow + g * H, target, valid)
                            if valid < u { (target + valid).update(repeating: 0, count: u - valid) }
                        }
                    }
                    for s in 0..<S {
                        gather(rows: B, history[s] + k * block + first, stride: H, count: valid, into: tiles.previous[s].pointer, width: u)
                    }
                    kernel.forward(rows: B, hidden: u, gx: gxTile, gh: gate, previous: previous, next: next,
                                   cache: cache + t * cacheStep + b * B * kernel.cacheWidth * u)
                    let o = output + t * block + first
                    for r in 0..<B {
                        if let keep, !keep[t * B + r] {
                            for s in 0..<S {
                                copyFloats(history[s] + k * block + r * H + first, history[s] + (k + 1) * block + r * H + first, valid)
                            }
                            (o + r * H).update(repeating: 0, count: valid)
                        } else {
                            for s in 0..<S {
                                copyFloats(next[s] + r * u, history[s] + (k + 1) * block + r * H + first, valid)
                            }
                            copyFloats(next[0] + r * u, o + r * H, valid)
                        }
                    }
                }
                barrier.wait()
            }
        }
    }

    func backwardPacked(_ weights: PackedRecurrentWeights, outputGrad pg: UnsafePointer<Float>,
                        dNext: [UnsafeMutablePointer<Float>], gradGX: UnsafeMutablePointer<Float>,
                        gradGH: UnsafeMutablePointer<Float>) {
        let kernel = recurrence.kernel
        let (B, H, G, S) = (batch, hidden, kernel.gateCount, stateCount)
        let (u, pw) = (weights.blockUnits, weights.panelWidth)
        let block = self.block, gates = self.gates, cacheStep = self.cacheStep
        let bw = UnsafePointer(weights.backward!.pointer)
        let history = self.history.map(\.pointer), cache = UnsafePointer(self.cache.pointer)
        let isa = weights.isa
        let sharedGradients = gradGH == gradGX
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
                    let rowsGX = gradGX + time(k - 1) * B * gates + own.lowerBound
                    let rowsGH = gradGH + (k - 1) * B * gates + own.lowerBound
                    for r in 0..<B {
                        for g in 0..<G {
                            var offset = 0
                            while offset < own.count {
                                recur_prefetch_for_write(rowsGX + r * gates + g * H + offset)
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
                        gather(rows: B, history[s] + k * block + first, stride: H, count: valid, into: tiles.previous[s].pointer, width: u)
                        gather(rows: B, dNext[s] + first, stride: H, count: valid, into: tiles.next[s].pointer, width: u)
                    }
                    kernel.backward(rows: B, hidden: u, cache: cache + t * cacheStep + b * B * kernel.cacheWidth * u,
                                    previous: previous, gradNext: gradNext, gradGx: gxTile, gradGh: gate,
                                    gradPrevious: gradPrevious)
                    for r in 0..<B {
                        let rowGX = gradGX + (t * B + r) * gates + first, rowGH = gradGH + (k * B + r) * gates + first
                        if let keep, !keep[t * B + r] {
                            // A padded step passes the state gradient through untouched.
                            for g in 0..<G {
                                (rowGX + g * H).update(repeating: 0, count: valid)
                                (rowGH + g * H).update(repeating: 0, count: valid)
                            }
                        } else {
                            for g in 0..<G {
                                copyFloats(gxTile + r * G * u + g * u, rowGX + g * H, valid)
                                // One buffer serves both when the kernel's ∂gx and ∂gh agree.
                                if !sharedGradients { copyFloats(gate + r * G * u + g * u, rowGH + g * H, valid) }
                            }
                            for s in 0..<S { copyFloats(gradPrevious[s] + r * u, dNext[s] + r * H + first, valid) }
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
                        gather(rows: B, dNext[0] + first, stride: H, count: valid, into: gate, width: pw)
                        isa.panelProduct(rows: B, depth: gates, a: rowsGH, lda: gates, panel: panel, bias: nil,
                                         c: gate, ldc: pw, accumulate: true)
                        for r in 0..<B { copyFloats(gate + r * pw, dNext[0] + r * H + first, valid) }
                    }
                }
            }
        }
    }
}
