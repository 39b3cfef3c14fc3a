import Foundation

/// How metrics read in text. One rule for every task: metrics are stored and printed in JSON as
/// fractions (`0.7917`), and in text the fractions — accuracy, token accuracy, exact match, F1,
/// precision, recall — read as percentages (`79.17%`); everything else (losses, bits per
/// character, perplexity, BLEU, which is already on sacreBLEU's 0–100 scale) as a number.
public enum MetricText {
    /// Whether `name` is a fraction in [0, 1] shown as a percentage.
    public static func isFraction(_ name: String) -> Bool {
        name.hasSuffix("accuracy") || name.hasSuffix("exact_match") || name.hasSuffix("f1")
            || name.hasSuffix("precision") || name.hasSuffix("recall")
    }

    /// `79.17%` or `1.2345`.
    public static func value(_ name: String, _ value: Double) -> String {
        isFraction(name) ? String(format: "%.2f%%", 100 * value) : String(format: "%.4f", value)
    }

    /// `name value` pairs sorted by name, joined by `separator`.
    public static func line(_ metrics: [String: Double], separator: String = "  ") -> String {
        metrics.sorted { $0.key < $1.key }.map { "\($0.key) \(value($0.key, $0.value))" }.joined(separator: separator)
    }
}
