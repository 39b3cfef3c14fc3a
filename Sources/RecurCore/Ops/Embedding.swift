/// Row lookup `out[i] = weight[ids[i]]` from a `[V, D]` table; the result has shape `shape + [D]`.
/// Backward scatter-adds each row's gradient into the table (a repeated id receives the sum).
///
/// `rowScale`, one factor per table row, multiplies each looked-up row (forward and backward):
/// the lookup in a table whose rows were scaled, `out[i] = s[ids[i]] · weight[ids[i]]`,
/// without materialising that table (embedding dropout).
public func embedding(_ weight: Variable, ids: [Int32], shape: [Int], rowScale: [Float]? = nil) -> Variable {
    precondition(weight.value.rank == 2, "embedding: table must be [V, D], got \(weight.shape)")
    precondition(ids.count == shape.reduce(1, *), "embedding: \(ids.count) ids do not fill shape \(shape)")
    let vocabulary = weight.shape[0], width = weight.shape[1]
    for (i, id) in ids.enumerated() {
        precondition(id >= 0 && Int(id) < vocabulary, "embedding: id \(id) at position \(i) outside 0..<\(vocabulary)")
    }
    precondition(rowScale.map { $0.count == vocabulary } ?? true, "embedding: \(rowScale?.count ?? 0) row scales for \(vocabulary) rows")
    let table = weight.value
    let out = Tensor.make(shape + [width]) { o in
        table.withPointer { pw in
            for (i, id) in ids.enumerated() {
                (o + i * width).update(from: pw + Int(id) * width, count: width)
                if let scale = rowScale?[Int(id)], scale != 1 { for j in 0..<width { o[i * width + j] *= scale } }
            }
        }
    }
    let result = Variable.result(out, [weight], "embedding") { g in
        g.withPointer { pg in weight.accumulateGrad { gw in
            for (i, id) in ids.enumerated() {
                let row = gw + Int(id) * width, src = pg + i * width, scale = rowScale?[Int(id)] ?? 1
                for j in 0..<width { row[j] += scale * src[j] }
            }
        } }
    }
    // Scaled rows (embedding dropout) are not rows of the table.
    if rowScale == nil { result.rowLookup = RowLookup(table: weight, rows: OneHotRows(checked: ids, width: vocabulary)) }
    return result
}

/// What an ``embedding(_:ids:shape:rowScale:)`` result is: the rows `rows.columns` of `table`
/// `[V, D]`. A consumer that multiplies the lookup by a matrix `W` may multiply the table instead
/// (`V·D·N` work rather than `M·D·N` for M looked-up rows) and gather rows of the product; its
/// gradient then goes to the table directly (``FusedRecurrence`` does so for character models).
public struct RowLookup {
    public let table: Variable
    public let rows: OneHotRows
}
