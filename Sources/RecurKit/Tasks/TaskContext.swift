import Foundation

/// What a task receives from the host.
public struct TaskContext: @unchecked Sendable {
    /// Cells come from here, by name: a task never imports a concrete cell.
    public let cells: Registry<CellDescriptor>
    /// Files the task wrote into an earlier run (`TaskSession.artifacts`), when loading one.
    public let artifacts: [String: Data]?
    /// The ranks of a data-parallel run (`nil`: one process). The trainer hands the session this
    /// rank's share of each batch (``BatchShard``); a task needs the group only to gather
    /// training state it carries per row (char-lm's hidden state).
    public let group: (any ProcessGroup)?
    /// Every random stream of the run, derived from `--seed` (``TaskDescriptor/makeSession(_:_:)``
    /// sets it from the run config).
    public internal(set) var seeds: Seeds

    public init(cells: Registry<CellDescriptor>, artifacts: [String: Data]? = nil, group: (any ProcessGroup)? = nil,
                seed: UInt64 = 0) {
        self.cells = cells
        self.artifacts = artifacts
        self.group = group
        seeds = Seeds(seed)
    }

    /// This rank's part of every global batch.
    public var shard: Shard { group.map { Shard(rank: $0.rank, count: $0.size) } ?? .whole }
}

/// The random streams of a run, each derived from `--seed` in one fixed way, so that a run is
/// reproducible and resumable and no task invents its own constants.
///
/// | stream | seed | used for |
/// |---|---|---|
/// | ``model`` | `seed` | weight initialisation |
/// | ``training`` | `seed + 0x5EED` | dropout and sampling during training (its state is checkpointed) |
/// | ``data(step:)`` | `seed · 0x9E3779B97F4A7C15 + step + 1` | the training batch of step s of a generated task |
/// | ``evaluation`` | `seed XOR 0x7E575E7` | a generated task's fixed test set |
///
/// (Arithmetic wraps modulo 2⁶⁴.) Epoch orders of stored data sets do not depend on the seed:
/// epoch e is a SplitMix64 shuffle seeded with e (``EpochOrder``, docs/recipes.md).
public struct Seeds: Sendable, Equatable {
    public let seed: UInt64
    public init(_ seed: UInt64) { self.seed = seed }

    public var model: UInt64 { seed }
    public var training: UInt64 { seed &+ 0x5EED }
    public func data(step: Int) -> UInt64 { (seed &* 0x9E37_79B9_7F4A_7C15) &+ UInt64(step) &+ 1 }
    public var evaluation: UInt64 { seed ^ 0x7E57_5E7 }
}

/// This process's share of one global training batch, handed to the session by the trainer.
///
/// In one process it is the whole batch. Across N ranks, batch rows are split into blocks of
/// ⌈B / N⌉ in rank order (a short last batch of an epoch may leave a late rank fewer rows or
/// none); the trainer weights each rank's mean loss by its item count, so the step equals one
/// process on the whole batch.
public struct BatchShard: Sendable, Equatable {
    public let shard: Shard
    /// Rows of a full global batch (`--batch`).
    public let batch: Int

    public init(shard: Shard = .whole, batch: Int) {
        self.shard = shard
        self.batch = batch
    }

    /// This rank's rows of a full batch.
    public var rows: Range<Int> { shard.part(of: 0..<batch) }

    /// This rank's part of a global batch given as a list (any length, such as an epoch's last batch).
    public func part<T>(of items: [T]) -> [T] { Array(items[shard.part(of: items.indices)]) }

    /// This rank's columns of a time-major `[T, B, width]` array of a full batch.
    public func columns<T>(of values: [T], steps: Int, width: Int = 1) -> [T] {
        let rows = self.rows
        guard rows.count != batch else { return values }
        var out: [T] = []
        out.reserveCapacity(steps * rows.count * width)
        for t in 0..<steps {
            out.append(contentsOf: values[((t * batch + rows.lowerBound) * width)..<((t * batch + rows.upperBound) * width)])
        }
        return out
    }
}
