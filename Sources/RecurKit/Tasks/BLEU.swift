import Foundation

/// Corpus BLEU-4 (Papineni et al. 2002) on already-tokenised text, with one or several
/// references per sentence, computed as sacreBLEU's `corpus_bleu(hyps, refs, tokenize='none')`:
///
/// * for n = 1…4, hypothesis n-gram counts are clipped by the largest count of that n-gram in
///   any one reference and pooled over the corpus: p_n = matches_n / totals_n;
/// * BLEU = BP · exp(¼ Σ log p_n), with brevity penalty BP = exp(1 − r/c) when c < r, else 1
///   (c: total hypothesis length; r: total of, per sentence, the reference length closest to the
///   hypothesis's, the shorter on a tie); reported ×100;
/// * when some p_n has no match, sacreBLEU's default `exp` smoothing replaces it by
///   1 / (2^k · totals_n) for the k-th such order; `.none` leaves it 0 (BLEU 0). Without zero
///   counts both agree with the unsmoothed formula. A corpus with no matching n-gram at all
///   scores 0 either way (sacreBLEU's early stop).
public struct BLEU: Equatable, Sendable {
    public enum Smoothing: Sendable { case exponential, none }

    public var matches = [Int](repeating: 0, count: 4)
    public var totals = [Int](repeating: 0, count: 4)
    public var hypothesisLength = 0
    public var referenceLength = 0

    public init() {}

    public init(hypotheses: [[String]], references: [[String]]) {
        precondition(hypotheses.count == references.count, "BLEU: \(hypotheses.count) hypotheses, \(references.count) references")
        for (h, r) in zip(hypotheses, references) { add(hypothesis: h, reference: r) }
    }

    public mutating func add(hypothesis: [String], reference: [String]) {
        add(hypothesis: hypothesis, references: [reference])
    }

    /// One sentence scored against all its references (captioning: every caption of an image).
    public mutating func add(hypothesis: [String], references: [[String]]) {
        precondition(!references.isEmpty, "BLEU: a sentence needs at least one reference")
        hypothesisLength += hypothesis.count
        // The closest reference length, the shorter on a tie (sacreBLEU's _get_closest_ref_len).
        referenceLength += references.map(\.count).min { a, b in
            let (da, db) = (abs(a - hypothesis.count), abs(b - hypothesis.count))
            return da < db || (da == db && a < b)
        }!
        for n in 1...4 {
            var most: [ArraySlice<String>: Int] = [:]
            for reference in references {
                for (gram, count) in BLEU.ngrams(reference, n) { most[gram] = max(most[gram] ?? 0, count) }
            }
            for (gram, count) in BLEU.ngrams(hypothesis, n) { matches[n - 1] += min(count, most[gram] ?? 0) }
            totals[n - 1] += max(hypothesis.count - n + 1, 0)
        }
    }

    /// p_n ×100 as sacreBLEU reports them (smoothed where it smooths).
    public func precisions(smoothing: Smoothing = .exponential) -> [Double] {
        var result = [Double](repeating: 0, count: 4)
        guard matches.contains(where: { $0 > 0 }) else { return result }
        var factor = 1.0
        for n in 0..<4 {
            if totals[n] == 0 { break }
            if matches[n] == 0 {
                if smoothing == .exponential {
                    factor *= 2
                    result[n] = 100 / (factor * Double(totals[n]))
                }
            } else {
                result[n] = 100 * Double(matches[n]) / Double(totals[n])
            }
        }
        return result
    }

    public var brevityPenalty: Double {
        guard hypothesisLength > 0 else { return 0 }
        return hypothesisLength < referenceLength ? exp(1 - Double(referenceLength) / Double(hypothesisLength)) : 1
    }

    /// BLEU ×100.
    public func score(smoothing: Smoothing = .exponential) -> Double {
        guard hypothesisLength > 0 else { return 0 }
        let logs = precisions(smoothing: smoothing).map { $0 > 0 ? log($0) : -9_999_999_999 }
        return brevityPenalty * exp(logs.reduce(0, +) / 4)
    }

    static func ngrams(_ tokens: [String], _ n: Int) -> [ArraySlice<String>: Int] {
        var counts: [ArraySlice<String>: Int] = [:]
        guard tokens.count >= n else { return counts }
        for i in 0...(tokens.count - n) { counts[tokens[i..<(i + n)], default: 0] += 1 }
        return counts
    }
}
