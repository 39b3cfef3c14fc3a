/// How per-row losses combine into one number.
public enum LossReduction: Sendable {
    /// Mean over the rows that count (PyTorch's default); with weights, Σ_n w_n L_n / Σ_n w_n.
    case mean
    /// Sum over the rows that count (sum of per-step losses, as in BPTT texts).
    case sum
}

/// Cross-entropy of `[N, C]` logits against class indices, fused with log-softmax for stability:
/// `L_n = −log softmax(z_n)[y_n]`. Rows whose target equals `ignoreIndex` (padding) are skipped
/// and left out of the mean: ``weightedCrossEntropy(logits:targets:weights:reduction:)`` with
/// weight 0 on those rows and 1 elsewhere. `labelSmoothing` ε trains towards
/// `(1 − ε) · onehot(y) + ε / C` (`nn.CrossEntropyLoss(label_smoothing=ε)`).
public func crossEntropy(logits: Variable, targets: [Int32], ignoreIndex: Int32 = -1,
                         reduction: LossReduction = .mean, labelSmoothing: Float = 0) -> Variable {
    weightedCrossEntropy(logits: logits, targets: targets, weights: targets.map { $0 == ignoreIndex ? 0 : 1 },
                         reduction: reduction, labelSmoothing: labelSmoothing)
}

/// Cross-entropy of `[N, C]` logits with a weight per target, fused with log-softmax:
///
///     L = Σ_n w_n · (−log softmax(z_n)[y_n])        (.sum)
///     L = Σ_n w_n · (−log softmax(z_n)[y_n]) / Σ_n w_n   (.mean, PyTorch's weighted mean)
///
/// Class weights are `w_n = weight[y_n]` (`nn.CrossEntropyLoss(weight:)`); padding is `w_n = 0`,
/// and a row with weight 0 is skipped entirely, so its target need not be a class. When no
/// weight is positive the mean is 0. Backward: ∂z_n = w_n (softmax(z_n) − onehot(y_n)) · scale.
///
/// With label smoothing ε the target distribution is `q = (1 − ε) · onehot(y_n) + ε / C`:
///
///     L_n = −Σ_c q_c · log softmax(z_n)_c = (1 − ε) · (−log p_{y_n}) + (ε / C) · Σ_c (−log p_c)
///     ∂z_n = w_n (softmax(z_n) − q) · scale
///
/// The smoothing term takes the row's weight w_n; PyTorch weights it by each class's weight
/// instead, which differs only when class weights are given.
public func weightedCrossEntropy(logits: Variable, targets: [Int32], weights: [Float],
                                 reduction: LossReduction = .mean, labelSmoothing: Float = 0) -> Variable {
    precondition(logits.value.rank == 2, "crossEntropy: logits must be [N, C], got \(logits.shape)")
    let rows = logits.shape[0], columns = logits.shape[1]
    precondition(targets.count == rows, "crossEntropy: \(targets.count) targets for logits \(logits.shape)")
    precondition(weights.count == rows, "crossEntropy: \(weights.count) weights for logits \(logits.shape)")
    precondition(labelSmoothing >= 0 && labelSmoothing < 1, "crossEntropy: label smoothing \(labelSmoothing) outside [0, 1)")
    let smoothing = Double(labelSmoothing), uniform = labelSmoothing / Float(columns)
    let z = logits.value
    var logProbabilities = Tensor(zeros: z.shape)
    logProbabilities.withMutablePointer { lp in z.withPointer { logSoftmaxRows($0, lp, rows: rows, columns: columns) } }
    var total: Double = 0, weightTotal: Double = 0
    logProbabilities.withPointer { lp in
        for r in 0..<rows where weights[r] != 0 {
            let y = Int(targets[r])
            precondition(y >= 0 && y < columns, "crossEntropy: target \(y) outside 0..<\(columns) in row \(r)")
            var rowLoss = -(1 - smoothing) * Double(lp[r * columns + y])
            if smoothing > 0 {
                var sum: Double = 0
                for j in 0..<columns { sum += Double(lp[r * columns + j]) }
                rowLoss -= smoothing / Double(columns) * sum
            }
            total += Double(weights[r]) * rowLoss
            weightTotal += Double(weights[r])
        }
    }
    let scale: Float = reduction == .mean ? (weightTotal > 0 ? 1 / Float(weightTotal) : 0) : 1
    let loss = Tensor(scalar: Float(total) * scale)
    return Variable.result(loss, [logits], "cross-entropy") { g in
        let upstream = g.scalar * scale
        logProbabilities.withPointer { lp in logits.accumulateGrad { gz in
            WorkerTeam.shared.share(rows, minimum: elementwiseShare / max(columns, 1)) { part in
                var probabilities = [Float](repeating: 0, count: columns)
                for r in part where weights[r] != 0 {
                    let o = r * columns, rowScale = upstream * weights[r]
                    probabilities.withUnsafeMutableBufferPointer { p in
                        Kernels.exp(lp + o, into: p.baseAddress!, count: columns)
                        p[Int(targets[r])] -= 1 - labelSmoothing
                        if uniform > 0 { for j in 0..<columns { p[j] -= uniform } }
                        for j in 0..<columns { gz[o + j] += rowScale * p[j] }
                    }
                }
            }
        } }
    }
}
