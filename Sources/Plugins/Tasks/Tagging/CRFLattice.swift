import Foundation

/// The lattice of one sentence under a linear-chain CRF, in Double and in log space.
///
/// n positions, K tags; `emissions[t·K + k]` is the score of tag k at position t,
/// `transitions[i·K + j]` of tag j following tag i, `start[k]`/`end[k]` of a sentence beginning or
/// ending with k. A tag path y scores
///
///     s(y) = start[y₀] + Σ_t e[t, y_t] + Σ_{t≥1} A[y_{t−1}, y_t] + end[y_{n−1}]
///
/// and `p(y) = exp(s(y) − log Z)` with `log Z = log Σ_y exp s(y)`, computed by the forward
/// algorithm `α₀(k) = start[k] + e[0,k]`, `α_t(k) = e[t,k] + logsumexp_i(α_{t−1}(i) + A[i,k])`,
/// `log Z = logsumexp_k(α_{n−1}(k) + end[k])`. Every logsumexp subtracts its maximum first, so
/// no exponent overflows whatever the scores.
struct CRFLattice {
    let n: Int
    let tags: Int
    let emissions: [Double]
    let transitions: [Double]
    let start: [Double]
    let end: [Double]

    /// `log Σ_i exp(x_i)`, stable.
    static func logSumExp(_ x: UnsafeBufferPointer<Double>) -> Double {
        var m = -Double.infinity
        for v in x { m = Swift.max(m, v) }
        if m == -.infinity { return m }
        var total = 0.0
        for v in x { total += exp(v - m) }
        return m + log(total)
    }

    /// α `[n·K]`.
    func forward() -> [Double] {
        var alpha = [Double](repeating: 0, count: n * tags)
        var terms = [Double](repeating: 0, count: tags)
        for k in 0..<tags { alpha[k] = start[k] + emissions[k] }
        for t in 1..<Swift.max(n, 1) {
            for k in 0..<tags {
                for i in 0..<tags { terms[i] = alpha[(t - 1) * tags + i] + transitions[i * tags + k] }
                alpha[t * tags + k] = emissions[t * tags + k] + terms.withUnsafeBufferPointer(Self.logSumExp)
            }
        }
        return alpha
    }

    /// `log Z` from α.
    func logPartition(_ alpha: [Double]) -> Double {
        let terms = (0..<tags).map { alpha[(n - 1) * tags + $0] + end[$0] }
        return terms.withUnsafeBufferPointer(Self.logSumExp)
    }

    /// β `[n·K]`: `β_{n−1}(k) = end[k]`, `β_t(i) = logsumexp_k(A[i,k] + e[t+1,k] + β_{t+1}(k))`, so that
    /// `α_t(k) + β_t(k) − log Z = log p(y_t = k)`.
    func backward() -> [Double] {
        var beta = [Double](repeating: 0, count: n * tags)
        var terms = [Double](repeating: 0, count: tags)
        for k in 0..<tags { beta[(n - 1) * tags + k] = end[k] }
        var t = n - 2
        while t >= 0 {
            for i in 0..<tags {
                for k in 0..<tags { terms[k] = transitions[i * tags + k] + emissions[(t + 1) * tags + k] + beta[(t + 1) * tags + k] }
                beta[t * tags + i] = terms.withUnsafeBufferPointer(Self.logSumExp)
            }
            t -= 1
        }
        return beta
    }

    /// `s(path)`.
    func score(_ path: [Int]) -> Double {
        precondition(path.count == n)
        var s = start[path[0]] + end[path[n - 1]]
        for t in 0..<n { s += emissions[t * tags + path[t]] }
        for t in 1..<n { s += transitions[path[t - 1] * tags + path[t]] }
        return s
    }

    /// Per-position marginals `p(y_t = k)` `[n·K]`.
    func marginals() -> [Double] {
        let alpha = forward(), beta = backward(), logZ = logPartition(alpha)
        return (0..<(n * tags)).map { exp(alpha[$0] + beta[$0] - logZ) }
    }

    /// The best path `argmax_y s(y)` and its score (Viterbi: δ as α with max for logsumexp,
    /// back-pointers to the first best predecessor).
    func viterbi() -> (path: [Int], score: Double) {
        var delta = (0..<tags).map { start[$0] + emissions[$0] }
        var pointers = [Int](repeating: 0, count: n * tags)
        for t in 1..<Swift.max(n, 1) {
            var next = [Double](repeating: 0, count: tags)
            for k in 0..<tags {
                var best = 0, value = delta[0] + transitions[k]
                for i in 1..<tags where delta[i] + transitions[i * tags + k] > value {
                    best = i
                    value = delta[i] + transitions[i * tags + k]
                }
                pointers[t * tags + k] = best
                next[k] = value + emissions[t * tags + k]
            }
            delta = next
        }
        var last = 0
        for k in 1..<tags where delta[k] + end[k] > delta[last] + end[last] { last = k }
        var path = [Int](repeating: 0, count: n)
        path[n - 1] = last
        var t = n - 1
        while t > 0 {
            path[t - 1] = pointers[t * tags + path[t]]
            t -= 1
        }
        return (path, delta[last] + end[last])
    }

    /// The gradient of `−log p(gold) = log Z − s(gold)` with respect to the emissions `[n·K]`,
    /// transitions `[K·K]`, start and end `[K]`: expected feature counts minus gold counts,
    /// `∂e[t,k] = p(y_t=k) − [gold_t=k]`, `∂A[i,j] = Σ_t p(y_{t−1}=i, y_t=j) − #gold(i→j)`,
    /// `∂start[k] = p(y₀=k) − [gold₀=k]`, `∂end[k] = p(y_{n−1}=k) − [gold_{n−1}=k]`.
    func negativeLogLikelihoodGradient(gold: [Int]) -> (emissions: [Double], transitions: [Double], start: [Double], end: [Double]) {
        let alpha = forward(), beta = backward(), logZ = logPartition(alpha)
        var gE = (0..<(n * tags)).map { exp(alpha[$0] + beta[$0] - logZ) }
        var gA = [Double](repeating: 0, count: tags * tags)
        var gS = Array(gE[0..<tags]), gEnd = Array(gE[((n - 1) * tags)..<(n * tags)])
        for t in 1..<Swift.max(n, 1) {
            for i in 0..<tags {
                let a = alpha[(t - 1) * tags + i]
                for j in 0..<tags {
                    gA[i * tags + j] += exp(a + transitions[i * tags + j] + emissions[t * tags + j] + beta[t * tags + j] - logZ)
                }
            }
        }
        for t in 0..<n { gE[t * tags + gold[t]] -= 1 }
        for t in 1..<n { gA[gold[t - 1] * tags + gold[t]] -= 1 }
        gS[gold[0]] -= 1
        gEnd[gold[n - 1]] -= 1
        return (gE, gA, gS, gEnd)
    }
}
