import Foundation

/// Layer normalisation over the last axis, without the affine part (Ba et al. 2016):
///
///     y = (x − μ) / √(σ² + ε),   μ and σ² the mean and (biased) variance of each row
///
/// as `F.layer_norm(x, [N], eps=ε)`; scale and shift by multiplying and adding `[N]` rows.
/// Backward, with x̂ = y and s = √(σ² + ε): ∂x = (g − mean(g) − x̂ · mean(g ⊙ x̂)) / s, per row.
public func layerNorm(_ x: Variable, epsilon: Float = 1e-5) -> Variable {
    let columns = x.shape.last ?? 1, rows = x.value.count / max(columns, 1)
    var inverse = [Float](repeating: 0, count: rows)
    let out = Tensor.make(x.shape) { o in
        x.value.withPointer { px in
            for r in 0..<rows {
                let row = px + r * columns
                var mean: Double = 0
                for j in 0..<columns { mean += Double(row[j]) }
                mean /= Double(columns)
                var variance: Double = 0
                for j in 0..<columns { let d = Double(row[j]) - mean; variance += d * d }
                variance /= Double(columns)
                let inv = 1 / (variance + Double(epsilon)).squareRoot()
                inverse[r] = Float(inv)
                for j in 0..<columns { o[r * columns + j] = Float((Double(row[j]) - mean) * inv) }
            }
        }
    }
    return OpTrace.note(.layerNorm(epsilon: epsilon), x, Variable.result(out, [x], "layer-norm") { g in
        g.withPointer { pg in out.withPointer { py in x.accumulateGrad { gx in
            for r in 0..<rows {
                let o = r * columns
                var meanG: Double = 0, meanGY: Double = 0
                for j in 0..<columns { meanG += Double(pg[o + j]); meanGY += Double(pg[o + j]) * Double(py[o + j]) }
                meanG /= Double(columns)
                meanGY /= Double(columns)
                for j in 0..<columns {
                    gx[o + j] += Float((Double(pg[o + j]) - meanG - Double(py[o + j]) * meanGY) * Double(inverse[r]))
                }
            }
        } } }
    })
}
