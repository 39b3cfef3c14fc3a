import RecurKit

/// The hidden state a language-model session carries (detached) from one training batch to the
/// next, as checkpoint tensors `carried.<cell>.<component>` of the whole batch, `[B, width]`.
/// In a data-parallel run each rank holds its rows: saving gathers them in rank (= row) order
/// and restoring takes this rank's rows, so a checkpoint resumes on any number of ranks.
enum CarriedState {
    /// Every rank calls this (it gathers across `group`).
    static func saved(_ carried: [[Variable]]?, batch: Int, group: (any ProcessGroup)?) -> (tensors: [String: Tensor], info: [String: String]) {
        var tensors: [String: Tensor] = [:]
        for (i, cell) in (carried ?? []).enumerated() {
            for (s, v) in cell.enumerated() {
                if let group {
                    let all = v.value.withPointer { group.allGather($0, count: v.value.count) }
                    tensors["carried.\(i).\(s)"] = Tensor(shape: [batch, v.shape[1]], scalars: all)
                } else {
                    tensors["carried.\(i).\(s)"] = v.value
                }
            }
        }
        return (tensors, ["carried": carried == nil ? "no" : "yes"])
    }

    /// The state ``saved(_:batch:group:)`` wrote, for `rows` of the batch; `nil` when none was carried.
    static func restored(tensors: [String: Tensor], info: [String: String], stack: RecurrentStack, batch: Int,
                         rows: Range<Int>) throws -> [[Variable]]? {
        guard info["carried"] == "yes" else { return nil }
        let cells = stack.cells
        return try cells.indices.map { i in
            try cells[i].stateSizes.indices.map { s in
                let width = cells[i].stateSizes[s]
                guard let t = tensors["carried.\(i).\(s)"], t.shape == [batch, width] else {
                    throw RunError("checkpoint lacks the carried state carried.\(i).\(s) of shape [\(batch), \(width)]")
                }
                guard rows.count != batch else { return Variable(t) }
                return Variable(Tensor(shape: [rows.count, width], scalars: Array(t.scalars[(rows.lowerBound * width)..<(rows.upperBound * width)])))
            }
        }
    }
}
