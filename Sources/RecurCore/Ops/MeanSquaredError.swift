/// Mean squared error of predictions against targets of the same shape,
/// `L = (1/N) Σ (ŷ − y)²` (or the plain sum with `.sum`); regression heads use it.
/// Built from differentiable ops, so its gradient 2(ŷ − y)/N comes from theirs.
public func meanSquaredError(_ prediction: Variable, _ target: Tensor, reduction: LossReduction = .mean) -> Variable {
    precondition(prediction.shape == target.shape, "meanSquaredError: prediction \(prediction.shape) vs target \(target.shape)")
    let difference = prediction - Variable(target)
    let squares = (difference * difference).sum()
    return reduction == .mean ? squares * (1 / Float(max(target.count, 1))) : squares
}
