/// The processes ("ranks") that train one model together by data parallelism: each takes a
/// slice of every global batch, and their gradients are summed before each optimizer step.
///
/// Collective calls must be made by every rank in the same order.
public protocol ProcessGroup: AnyObject {
    var rank: Int { get }
    var size: Int { get }
    /// Element-wise sum over all ranks, in place.
    func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int)
    /// Element-wise sum over all ranks.
    func allReduceSum(_ values: [Double]) -> [Double]
    /// Every rank's `count` floats, concatenated in rank order.
    func allGather(_ buffer: UnsafePointer<Float>, count: Int) -> [Float]
    /// Stops every rank (after a failure on this one), so none waits forever in a collective.
    func abort(code: Int32) -> Never
    /// Ends the group after the last collective call (MPI_Finalize); every rank calls it.
    func finish()
}

extension ProcessGroup {
    public var isLeader: Bool { rank == 0 }
}

/// This rank's part of a global batch, as contiguous blocks in rank order (gathering the blocks
/// in rank order restores the batch).
public struct Shard: Sendable, Equatable {
    public let rank: Int
    public let count: Int

    public init(rank: Int = 0, count: Int = 1) {
        self.rank = rank
        self.count = count
    }

    public static let whole = Shard()

    /// The rows of a batch of `batch` that this rank owns; the batch must divide evenly.
    public func rows(of batch: Int) throws -> Range<Int> {
        guard batch % count == 0 else {
            throw ConfigValueError(field: "batch", value: "\(batch)", expected: "a multiple of the \(count) ranks, so that each takes equal rows")
        }
        let per = batch / count
        return (rank * per)..<((rank + 1) * per)
    }

    /// This rank's slice of a batch whose size need not divide (an epoch's last batch): blocks of
    /// ⌈n / count⌉, so a late rank may get fewer items or none. The trainer weights each rank's
    /// mean loss by its item count, so the average is still exactly the whole batch's.
    public func part(of batch: Range<Int>) -> Range<Int> {
        let per = (batch.count + count - 1) / count
        let low = min(batch.lowerBound + rank * per, batch.upperBound)
        return low..<min(low + per, batch.upperBound)
    }
}
