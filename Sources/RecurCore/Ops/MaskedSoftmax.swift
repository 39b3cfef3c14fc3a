import Foundation

/// softmax over the last axis, restricted to the positions a mask keeps.
///
/// Scores `[B, …, S]` (rank ≥ 2) and mask `[B, S]` (1 keep, 0 drop): row r of batch item b uses
/// mask row b, so one source mask serves every decoder step. For a kept position j
///
///     y_j = e^(x_j − m) / Σ_{i kept} e^(x_i − m),   m = max_{i kept} x_i,
///
/// and y_j = 0 exactly where the mask is 0, so padding takes no weight and gets no gradient (an
/// additive −1e9 leaves `exp` to round it to zero and can still leak a denormal). A row with
/// nothing kept is all zeros. Backward: ∂x_j = y_j (∂y_j − Σ_i ∂y_i y_i).
public func maskedSoftmax(_ scores: Variable, mask: Tensor) -> Variable {
    let shape = scores.shape
    precondition(shape.count >= 2, "maskedSoftmax: scores must be [B, …, S], got \(shape)")
    let (b, s) = (shape[0], shape[shape.count - 1])
    precondition(mask.shape == [b, s], "maskedSoftmax: mask \(mask.shape) does not match scores \(shape)")
    let rows = scores.value.count / max(s, 1), rowsPerItem = rows / max(b, 1)
    let x = scores.value
    let y = Tensor.make(x.shape) { out in
        x.withPointer { px in mask.withPointer { pm in
            for row in 0..<rows {
                let m = pm + (row / rowsPerItem) * s, src = px + row * s, dst = out + row * s
                var top = -Float.infinity
                for j in 0..<s where m[j] != 0 { top = max(top, src[j]) }
                var total: Float = 0
                for j in 0..<s {
                    dst[j] = m[j] != 0 ? Foundation.exp(src[j] - top) : 0
                    total += dst[j]
                }
                let scale = total > 0 ? 1 / total : 0
                for j in 0..<s { dst[j] *= scale }
            }
        } }
    }
    return Variable.result(y, [scores], "masked-softmax") { g in softmaxBackward(g, y: y, into: scores, rows: rows, columns: s) }
}
