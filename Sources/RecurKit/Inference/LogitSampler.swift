import Foundation

/// ``sampleIndex(_:temperature:topK:rng:)`` without allocation: the same arithmetic in the same
/// order (Double scaling, top-k threshold from a descending sort, a left-to-right sum), so one
/// seed draws the same index from the same logits, into scratch buffers made once for `count`
/// logits.
public final class LogitSampler {
    public let count: Int
    let weights: UnsafeMutablePointer<Double>
    let sorted: UnsafeMutablePointer<Double>

    public init(count: Int) {
        precondition(count >= 1, "LogitSampler: need at least one logit")
        self.count = count
        weights = .allocate(capacity: count)
        sorted = .allocate(capacity: count)
    }

    deinit {
        weights.deallocate()
        sorted.deallocate()
    }

    /// Draws an index from softmax(`logits` / `temperature`) over `count` logits, from the `topK`
    /// most likely only when given. Throws on NaN or +∞, or when every logit is −∞.
    public func sample(_ logits: UnsafePointer<Float>, temperature: Float, topK: Int?, rng: inout RandomGenerator) throws -> Int {
        var anyFinite = false
        for i in 0..<count {
            let x = logits[i]
            guard x.isFinite || x == -.infinity else { return try fail() }
            anyFinite = anyFinite || x.isFinite
        }
        guard anyFinite else { return try fail() }
        let t = Double(temperature)
        for i in 0..<count { weights[i] = Double(logits[i]) / t }
        if let k = topK, k < count {
            sorted.update(from: weights, count: count)
            var descending = UnsafeMutableBufferPointer(start: sorted, count: count)
            descending.sort(by: >)
            let threshold = sorted[k - 1]
            for i in 0..<count where weights[i] < threshold { weights[i] = -.infinity }
        }
        var m = weights[0]
        for i in 1..<count where weights[i] > m { m = weights[i] }
        var total = 0.0
        for i in 0..<count {
            weights[i] = exp(weights[i] - m)
            total += weights[i]
        }
        var u = Double(rng.nextUnit()) * total
        for i in 0..<count {
            u -= weights[i]
            if u < 0 { return i }
        }
        var last = count - 1
        while weights[last] <= 0 { last -= 1 }
        return last
    }

    private func fail() throws -> Int {
        throw TaskError("the model's outputs are not finite numbers (were its weights trained to divergence?)")
    }
}
