/// Caption metrics over a corpus, each generated caption against all its references:
///
/// * `bleu`: corpus BLEU-4 with every reference (sacreBLEU `tokenize='none'`, ×100);
/// * `exact_match`: the caption equals one of its references, word for word;
/// * `token_accuracy`: against the reference that agrees with it at the most positions, the
///   share of that reference's words and its `<eos>` the caption has at the same position.
public struct CaptionScores: Sendable {
    public private(set) var bleu = BLEU()
    public private(set) var count = 0
    public private(set) var exact = 0
    public private(set) var correctTokens = 0
    public private(set) var tokens = 0

    public init() {}

    public mutating func add(_ caption: [String], references: [[String]]) {
        count += 1
        bleu.add(hypothesis: caption, references: references)
        if references.contains(caption) { exact += 1 }
        var best = (correct: 0, total: 1), bestShare = -1.0
        for reference in references {
            var correct = zip(caption, reference).filter { $0.0 == $0.1 }.count
            if caption.count == reference.count { correct += 1 }  // `<eos>` in the same place
            let share = Double(correct) / Double(reference.count + 1)
            if share > bestShare { (best, bestShare) = ((correct, reference.count + 1), share) }
        }
        correctTokens += best.correct
        tokens += best.total
    }

    /// `{prefix}_bleu`, `{prefix}_exact_match`, `{prefix}_token_accuracy` (fractions but BLEU).
    public func metrics(prefix: String) -> [String: Double] {
        ["\(prefix)_bleu": bleu.score(), "\(prefix)_exact_match": Double(exact) / Double(max(count, 1)),
         "\(prefix)_token_accuracy": Double(correctTokens) / Double(max(tokens, 1))]
    }
}

/// A teacher-forcing batch of B captions, laid out for ``CaptionDecoder``:
/// `inputs` `[T, B]` time-major (`<bos>` + words, `<pad>` after), `targets` `[B, T]` (words +
/// `<eos>`, `<pad>` after; the logits' layout), `mask` `[B, T]` (1 where a target is real).
public struct CaptionBatch: Sendable {
    public let batch: Int, steps: Int
    public let inputs: [Int32]
    public let targets: [Int32]
    public let mask: Tensor

    public init(_ captions: [[Int32]]) {
        precondition(!captions.isEmpty, "CaptionBatch: no captions")
        let b = captions.count, t = captions.map { $0.count + 1 }.max()!
        let pad = SpecialTokens.sequence.id(.pad)
        var inputs = [Int32](repeating: pad, count: t * b), targets = [Int32](repeating: pad, count: b * t)
        var mask = [Float](repeating: 0, count: b * t)
        for (i, ids) in captions.enumerated() {
            for (s, id) in ([SpecialTokens.sequence.id(.bos)] + ids).enumerated() { inputs[s * b + i] = id }
            for (s, id) in (ids + [SpecialTokens.sequence.id(.eos)]).enumerated() {
                targets[i * t + s] = id
                mask[i * t + s] = 1
            }
        }
        (batch, steps, self.inputs, self.targets, self.mask) = (b, t, inputs, targets, Tensor(shape: [b, t], scalars: mask))
    }

    /// Real target tokens (words and `<eos>`).
    public var tokenCount: Int { mask.scalars.filter { $0 > 0 }.count }
}
