import Foundation

/// How the workers of a packed recurrent sweep divide it (``FusedPass``'s forward and backward
/// time loops, PackedSweep.swift).
///
/// - ``byUnits``: each worker owns a range of hidden units for every batch row, and reads only
///   its panels of W_hh, but the workers meet at a barrier every step (each needs the whole
///   `h_{t−1}`). Right for wide layers: MEDIUM (2×512) runs 1.8–1.9× faster on two workers.
/// - ``byRows``: each worker owns a range of batch rows for every unit and runs them through the
///   whole sequence with no barrier, reading all of W_hh every step. Right when W_hh stays in a
///   core's L2 and the step is short: at 1×128 a step takes about 10 µs, and the per-step barrier
///   made the slower vCPU of the two set the pace of every step (perf: 13% of the two-thread
///   SMALL run waiting in it).
enum SweepSplit: Sendable, Equatable {
    case byUnits, byRows

    /// The fewest batch rows a worker gets when the split is chosen for speed: fewer leave the
    /// microkernel's six- and four-row tiles part-empty.
    static let minimumRows = 8

    /// The largest packed W_hh (its forward panels) each worker reads whole per step in a split
    /// by rows: half the smallest L2 of the CPUs Recur tunes for (1 MiB on Skylake-X and Zen 4–5,
    /// 2 MiB on Sapphire and Emerald Rapids), so the backward panels fit beside it.
    static let rowSplitWeightBytes = 512 * 1024

    /// Forces a split (tests run both on the same shapes; `RECUR_SWEEP_SPLIT=units|rows` sets it
    /// for a run, to compare them); `byRows` still needs two batch rows.
    nonisolated(unsafe) static var override: SweepSplit? = {
        switch ProcessInfo.processInfo.environment["RECUR_SWEEP_SPLIT"]?.lowercased() {
        case "units": .byUnits
        case "rows": .byRows
        default: nil
        }
    }()

    /// The split and the worker count for a sweep of `batch` rows when `wanted` workers are asked
    /// for: by rows (one worker per row at most) or by units (one per backward panel at most).
    static func plan(weights: PackedRecurrentWeights, batch: Int, wanted: Int) -> (split: SweepSplit, workers: Int) {
        let wanted = max(1, wanted)
        let split: SweepSplit
        if let override {
            split = override == .byRows && batch >= 2 ? .byRows : .byUnits
        } else {
            let fits = weights.forward.count * MemoryLayout<Float>.size <= rowSplitWeightBytes
            split = wanted > 1 && fits && batch >= 2 * minimumRows ? .byRows : .byUnits
        }
        switch split {
        case .byRows: return (split, min(wanted, batch))
        case .byUnits: return (split, min(wanted, weights.groups))
        }
    }

    /// What worker `w` of `workers` owns.
    func share(_ w: Int, of workers: Int, weights: PackedRecurrentWeights, batch: Int) -> SweepShare {
        switch self {
        case .byUnits:
            let (units, blocks, groups) = weights.share(w, of: workers)
            return SweepShare(rows: 0..<batch, units: units, blocks: blocks, groups: groups)
        case .byRows:
            return SweepShare(rows: (batch * w / workers)..<(batch * (w + 1) / workers), units: 0..<weights.hidden,
                              blocks: 0..<weights.blocks, groups: 0..<weights.groups)
        }
    }
}

/// One worker's part of a sweep: its batch rows, its hidden units, and the forward blocks and
/// backward panels that cover those units.
struct SweepShare {
    let rows: Range<Int>, units: Range<Int>, blocks: Range<Int>, groups: Range<Int>
}
