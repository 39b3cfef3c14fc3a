import Foundation

/// Maps data values on one axis to pixels, linearly or by log10, and chooses tick marks.
public struct Scale: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case linear, log }

    public let kind: Kind
    /// The data range shown, after widening to whole ticks (decades on a log scale).
    public let lower: Double, upper: Double

    /// A scale covering `values` (non-finite values, and non-positive ones on a log scale, are ignored).
    public init(kind: Kind, covering values: [Double]) {
        self.kind = kind
        let usable = values.filter { $0.isFinite && (kind == .linear || $0 > 0) }
        var low = usable.min() ?? (kind == .log ? 1 : 0), high = usable.max() ?? (kind == .log ? 10 : 1)
        switch kind {
        case .log:
            low = pow(10, floor(log10(low)))
            high = pow(10, ceil(log10(high)))
            if high <= low { high = low * 10 }
        case .linear:
            // A constant gets a range of its own size (a fixed learning rate of 0.002: 0.001…0.003),
            // and a constant 0 the range 0…1 rather than a negative half nothing reaches.
            if high <= low {
                if low == 0 { high = 1 } else { (low, high) = (low - abs(low) / 2, high + abs(low) / 2) }
            }
            let step = Scale.niceStep((high - low) / 5)
            low = floor(low / step) * step
            high = ceil(high / step) * step
        }
        lower = low
        upper = high
    }

    /// 1, 2 or 5 × 10^k, the smallest at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        let magnitude = pow(10, floor(log10(raw)))
        for m in [1.0, 2, 5, 10] where m * magnitude >= raw { return m * magnitude }
        return 10 * magnitude
    }

    /// Where `value` falls in [0, 1] of the axis; `nil` for a value a log axis cannot show.
    public func fraction(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        switch kind {
        case .linear: return (value - lower) / (upper - lower)
        case .log:
            guard value > 0 else { return nil }
            return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
    }

    /// Tick values: about five round numbers, or whole decades (thinned to at most nine) on a log axis.
    public var ticks: [Double] {
        switch kind {
        case .linear:
            let step = Scale.niceStep((upper - lower) / 5)
            // From the first multiple of the step: the range was widened with a finer step, so
            // `lower` itself need not be one (0.6…1.8 gets 1, 1.5, not 0.6, 1.1, 1.6).
            let first = (lower / step - 1e-9).rounded(.up) * step
            return stride(from: first, through: upper + step * 1e-9, by: step).map { abs($0) < step * 1e-9 ? 0 : $0 }
        case .log:
            let first = Int(log10(lower).rounded()), last = Int(log10(upper).rounded())
            let every = max(1, Int((Double(last - first) / 8).rounded(.up)))
            // Multiples of `every`, so 1 (10^0) is labelled whenever it is in range.
            return (first...last).filter { $0 % every == 0 }.map { pow(10, Double($0)) }
        }
    }

    /// A tick's label: `1e-12` style on a log axis, shortest decimal otherwise.
    public func label(_ value: Double) -> String {
        if kind == .log {
            let exponent = Int(log10(value).rounded())
            return (0...3).contains(exponent) ? String(Int(value)) : "1e\(exponent)"
        }
        if value == value.rounded() && abs(value) < 1e6 { return String(Int(value)) }
        if abs(value) >= 1e4 || abs(value) < 1e-3 { return String(format: "%.0e", value) }
        return String(format: "%g", value)
    }
}
