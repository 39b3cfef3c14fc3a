import Foundation

/// Counts of (true class, predicted class) and the scores derived from them.
///
/// Per class c: precision `P_c = M[c][c] / Σ_i M[i][c]`, recall `R_c = M[c][c] / Σ_j M[c][j]`,
/// `F1_c = 2 P_c R_c / (P_c + R_c)`. A class never predicted (or with P + R = 0) has F1 = 0, and
/// macro-F1 is the unweighted mean over all classes (docs/recipes.md, classification).
public struct ConfusionMatrix: Sendable, Equatable {
    public let labels: [String]
    /// `counts[truth][prediction]`.
    public private(set) var counts: [[Int]]

    public init(labels: [String]) {
        self.labels = labels
        counts = Array(repeating: Array(repeating: 0, count: labels.count), count: labels.count)
    }

    public mutating func add(truth: Int, prediction: Int) { counts[truth][prediction] += 1 }

    public var total: Int { counts.joined().reduce(0, +) }
    public func support(_ c: Int) -> Int { counts[c].reduce(0, +) }
    public func predicted(_ c: Int) -> Int { counts.reduce(0) { $0 + $1[c] } }

    public var accuracy: Double {
        total == 0 ? 0 : Double(labels.indices.reduce(0) { $0 + counts[$1][$1] }) / Double(total)
    }

    public func precision(_ c: Int) -> Double { predicted(c) == 0 ? 0 : Double(counts[c][c]) / Double(predicted(c)) }
    public func recall(_ c: Int) -> Double { support(c) == 0 ? 0 : Double(counts[c][c]) / Double(support(c)) }

    public func f1(_ c: Int) -> Double {
        let p = precision(c), r = recall(c)
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    public var macroF1: Double { labels.isEmpty ? 0 : labels.indices.reduce(0) { $0 + f1($1) } / Double(labels.count) }

    /// The matrix with row and column numbers (columns are too narrow for names), then one line
    /// per class with its support, precision, recall and F1, all columns aligned.
    public var table: String {
        let n = labels.count
        let nameWidth = max(labels.map(\.count).max() ?? 0, 5)
        let cell = max(String(counts.joined().max() ?? 0).count, String(n - 1).count) + 1
        func pad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(w - s.count, 0)) + s }
        func padRight(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(w - s.count, 0)) }
        let indexWidth = String(n - 1).count
        var lines = ["confusion matrix (rows: true class, columns: predicted class number)"]
        lines.append(padRight("", indexWidth + nameWidth + 2) + (0..<n).map { pad(String($0), cell) }.joined())
        for r in 0..<n {
            lines.append(pad(String(r), indexWidth) + " " + padRight(labels[r], nameWidth) + " "
                         + counts[r].map { pad(String($0), cell) }.joined())
        }
        lines.append("")
        lines.append(padRight("class", nameWidth + indexWidth + 1) + pad("support", 9) + pad("precision", 11) + pad("recall", 9) + pad("F1", 9))
        for c in 0..<n {
            lines.append(pad(String(c), indexWidth) + " " + padRight(labels[c], nameWidth) + pad(String(support(c)), 9)
                         + pad(String(format: "%.1f%%", 100 * precision(c)), 11) + pad(String(format: "%.1f%%", 100 * recall(c)), 9)
                         + pad(String(format: "%.1f%%", 100 * f1(c)), 9))
        }
        lines.append(String(format: "accuracy %.2f%%  macro-F1 %.2f%%  (%d examples)", 100 * accuracy, 100 * macroF1, total))
        return lines.joined(separator: "\n")
    }
}
