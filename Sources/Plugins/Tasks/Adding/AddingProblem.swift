import RecurKit

/// The adding problem (Hochreiter & Schmidhuber 1997; the two-halves variant of Le et al. 2015):
/// each step carries a pair (value, marker), values uniform in [0, 1), markers 0 except at one
/// step chosen uniformly in the first half and one in the second half. The target is the sum
/// of the two marked values.
///
/// The target has mean 1 and variance 2 · 1/12, so always answering 1 scores MSE ≈ 0.167; a
/// model only beats that by carrying the first marked value across about T/2 steps.
public enum AddingProblem {
    /// `count` sequences of `length` steps: inputs `[T, B, 2]` time-major, targets `[B, 1]`.
    public static func batch(count: Int, length: Int, rng: inout RandomGenerator) -> (inputs: Tensor, targets: Tensor) {
        precondition(length >= 2, "AddingProblem: length must be at least 2")
        var inputs = [Float](repeating: 0, count: length * count * 2)
        var targets = [Float](repeating: 0, count: count)
        let half = length / 2
        for b in 0..<count {
            for t in 0..<length { inputs[(t * count + b) * 2] = rng.nextUnit() }
            let first = Int(rng.next() % UInt64(half))
            let second = half + Int(rng.next() % UInt64(length - half))
            for t in [first, second] {
                inputs[(t * count + b) * 2 + 1] = 1
                targets[b] += inputs[(t * count + b) * 2]
            }
        }
        return (Tensor(shape: [length, count, 2], scalars: inputs), Tensor(shape: [count, 1], scalars: targets))
    }
}
