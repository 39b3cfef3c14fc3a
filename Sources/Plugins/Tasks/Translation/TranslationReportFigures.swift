import RecurKit

extension TranslationSession: ReportIllustrating {
    /// Example translations of the first validation pairs (greedy, as `evaluate` scores them)
    /// beside their references, and the attention map of the first two: a model that has learnt
    /// to align puts each output token's weight on the source words it translates.
    ///
    /// Needs the run's data (the validation pairs); a bundle without `--data` has none, and the
    /// error says so.
    public func reportFigures(rng: inout RandomGenerator) throws -> [TaskFigure] {
        let pairs = Array(try corpus().test.prefix(6))
        guard !pairs.isEmpty else { return [] }
        let hypotheses = GradMode.withNoGrad { model.greedy(pairs.map(\.source), maxSteps: decodeLength) }
        var lines: [String] = []
        for (pair, hypothesis) in zip(pairs, hypotheses) {
            lines.append("source:    " + options.tokenizer.detokenize(pair.sourceTokens))
            lines.append("model:     " + options.tokenizer.detokenize(hypothesis.ids.map(target.token)))
            lines.append("reference: " + options.tokenizer.detokenize(pair.targetTokens))
            lines.append("")
        }
        var figures: [TaskFigure] = [.text(title: "Example translations (first \(pairs.count) validation pairs, greedy)",
                                           body: lines.joined(separator: "\n"))]
        for (index, (pair, hypothesis)) in zip(pairs, hypotheses).prefix(2).enumerated() {
            let columns = pair.source.map(source.token) + ["<eos>"]
            let rows = hypothesis.ids.map(target.token) + (hypothesis.finished ? ["<eos>"] : [])
            // A model without attention has no rows; a shape that does not match is not drawn.
            guard !hypothesis.attention.isEmpty, hypothesis.attention.count == rows.count,
                  hypothesis.attention.allSatisfy({ $0.count == columns.count }) else { continue }
            figures.append(.heatmap(title: "Attention α, validation pair \(index + 1)", rowLabels: rows, columnLabels: columns,
                                    values: hypothesis.attention.map { $0.map(Double.init) },
                                    xLabel: "source token", yLabel: "output token"))
        }
        return figures
    }
}
