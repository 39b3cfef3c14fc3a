import Foundation

/// Mean and sample standard deviation (n − 1) of one cell's scores over seeds.
public struct SeedSummary: Sendable, Equatable {
    public let count: Int
    public let mean: Double
    /// `nil` for a single seed.
    public let standardDeviation: Double?

    public init(_ values: [Double]) {
        count = values.count
        mean = values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        if values.count > 1 {
            let m = mean
            standardDeviation = (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
        } else {
            standardDeviation = nil
        }
    }
}

/// The difference of two cells' means with Welch's 95% confidence interval (unequal variances):
///
///     d = x̄_a − x̄_b,   s = √(s_a²/n_a + s_b²/n_b)
///     ν = s⁴ / ((s_a²/n_a)² / (n_a − 1) + (s_b²/n_b)² / (n_b − 1))     (Welch–Satterthwaite)
///     d ± t_{0.975, ν} · s
///
/// An interval that contains 0 is a tie: the seeds do not tell the cells apart.
public struct WelchInterval: Sendable, Equatable {
    public let difference: Double
    public let lower: Double
    public let upper: Double
    public let degreesOfFreedom: Double

    /// `nil` when either side has fewer than two seeds (no variance to speak of).
    public init?(_ a: [Double], _ b: [Double], confidence: Double = 0.95) {
        let sa = SeedSummary(a), sb = SeedSummary(b)
        guard let da = sa.standardDeviation, let db = sb.standardDeviation else { return nil }
        let va = da * da / Double(sa.count), vb = db * db / Double(sb.count)
        difference = sa.mean - sb.mean
        let se = (va + vb).squareRoot()
        if se == 0 {
            (lower, upper, degreesOfFreedom) = (difference, difference, .infinity)
            return
        }
        let nu = (va + vb) * (va + vb) / (va * va / Double(sa.count - 1) + vb * vb / Double(sb.count - 1))
        let t = StudentT.quantile(0.5 + confidence / 2, degreesOfFreedom: nu)
        degreesOfFreedom = nu
        lower = difference - t * se
        upper = difference + t * se
    }

    public var isTie: Bool { lower <= 0 && upper >= 0 }
}

/// Student's t distribution: the CDF through the regularised incomplete beta function, the
/// quantile by bisection on it (Numerical Recipes §6.4; enough for confidence intervals).
public enum StudentT {
    /// P(T ≤ t) for ν degrees of freedom (ν may be fractional, as Welch's is).
    public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        let x = nu / (nu + t * t)
        let tail = 0.5 * incompleteBeta(x, a: nu / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// The t with P(T ≤ t) = p.
    public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        if nu.isInfinite { return normalQuantile(p) }
        var (low, high) = (-1e4, 1e4)
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if cdf(mid, degreesOfFreedom: nu) < p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    static func normalQuantile(_ p: Double) -> Double {
        var (low, high) = (-40.0, 40.0)
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if 0.5 * erfc(-mid / 2.0.squareRoot()) < p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    /// I_x(a, b), by the continued fraction of Numerical Recipes' `betacf`.
    static func incompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logBeta: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * Foundation.log(x) + b * Foundation.log(1 - x)
        let front = Foundation.exp(logBeta + logPowers)
        if x < (a + 1) / (a + b + 2) { return front * fraction(x, a, b) / a }
        return 1 - front * fraction(1 - x, b, a) / b
    }

    private static func fraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...300 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return h
    }
}
