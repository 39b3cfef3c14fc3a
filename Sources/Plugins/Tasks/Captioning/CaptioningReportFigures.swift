import RecurKit

extension CaptioningSession: ReportIllustrating {
    /// The first validation images with their generated captions beside the references, and the
    /// attention figure of the first two: a model that has learnt to look lights the object each
    /// word names.
    public func reportFigures(rng: inout RandomGenerator) throws -> [TaskFigure] {
        guard let set = try corpus().evaluation.first, set.count > 0 else { return [] }
        var figures: [TaskFigure] = [], lines: [String] = []
        for i in 0..<min(6, set.count) {
            let image = set.image(i)
            let result = caption(image, beam: 1)
            let words = result.ids.map(vocabulary.token)
            lines.append("\(set.names[i]):  \(words.joined(separator: " "))")
            lines.append("  references: " + set.references[i].prefix(3).map { $0.joined(separator: " ") }.joined(separator: " | ")
                         + (set.references[i].count > 3 ? " | … (\(set.references[i].count) in all)" : ""))
            if i < 2 && !result.attention.isEmpty {
                let labels = Array((words + ["<eos>"]).prefix(result.attention.count))
                figures.append(.image(title: "Where the decoder looked: \(set.names[i])",
                                      image: AttentionFigure.render(image: image, words: labels, alphas: result.attention, grid: model.grid),
                                      caption: "\"\(words.joined(separator: " "))\" — each panel lights the regions α weighs for that word"))
            }
        }
        return [.text(title: "Generated captions (greedy) of the first \(lines.count / 2) \(set.name) images", body: lines.joined(separator: "\n"))]
            + figures
    }
}
