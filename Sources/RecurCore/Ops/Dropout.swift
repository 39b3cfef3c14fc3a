/// Inverted dropout: zeroes each element with probability `p` and scales the rest by 1/(1 − p),
/// so evaluation needs no rescaling. The identity when `p == 0` or when not training.
public func dropout(_ a: Variable, probability p: Float, training: Bool, rng: inout RandomGenerator) -> Variable {
    precondition(p >= 0 && p < 1, "dropout: probability \(p) outside [0, 1)")
    guard training, p > 0 else { return a }
    let keep = 1 / (1 - p)
    let mask = Tensor(shape: a.shape, scalars: (0..<a.value.count).map { _ in rng.nextUnit() < p ? 0 : keep })
    return a * Variable(mask)
}
