/// How per-row losses combine into one number.
public enum LossReduction: Sendable {
    /// Mean over the rows that count (PyTorch's default).
    case mean
    /// Sum over the rows that count (sum of per-step losses, as in BPTT texts).
    case sum
}

/// Cross-entropy of `[N, C]` logits against class indices, fused with log-softmax for stability:
/// `L_n = −log softmax(z_n)[y_n]`. Rows whose target equals `ignoreIndex` (padding) are skipped
/// and left out of the mean. Backward: ∂z_n = (softmax(z_n) − onehot(y_n)) · scale.
public func crossEntropy(logits: Variable, targets: [Int32], ignoreIndex: Int32 = -1,
                         reduction: LossReduction = .mean) -> Variable {
    precondition(logits.value.rank == 2, "crossEntropy: logits must be [N, C], got \(logits.shape)")
    let rows = logits.shape[0], columns = logits.shape[1]
    precondition(targets.count == rows, "crossEntropy: \(targets.count) targets for logits \(logits.shape)")
    let z = logits.value
    var logProbabilities = Tensor(zeros: z.shape)
    logProbabilities.withMutablePointer { lp in z.withPointer { logSoftmaxRows($0, lp, rows: rows, columns: columns) } }
    var total: Double = 0
    var counted = 0
    logProbabilities.withPointer { lp in
        for r in 0..<rows where targets[r] != ignoreIndex {
            let y = Int(targets[r])
            precondition(y >= 0 && y < columns, "crossEntropy: target \(y) outside 0..<\(columns) in row \(r)")
            total -= Double(lp[r * columns + y])
            counted += 1
        }
    }
    let scale: Float = reduction == .mean ? (counted > 0 ? 1 / Float(counted) : 0) : 1
    let loss = Tensor(scalar: Float(total) * scale)
    return Variable.result(loss, [logits], "cross-entropy") { g in
        let upstream = g.scalar * scale
        logProbabilities.withPointer { lp in logits.accumulateGrad { gz in
            for r in 0..<rows where targets[r] != ignoreIndex {
                let o = r * columns
                var probabilities = [Float](repeating: 0, count: columns)
                probabilities.withUnsafeMutableBufferPointer { p in
                    Kernels.exp(lp + o, into: p.baseAddress!, count: columns)
                    p[Int(targets[r])] -= 1
                    for j in 0..<columns { gz[o + j] += upstream * p[j] }
                }
            }
        } }
    }
}
