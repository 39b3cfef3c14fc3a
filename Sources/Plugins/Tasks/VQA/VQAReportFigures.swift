import RecurKit

extension VQASession: ReportIllustrating {
    /// The first validation questions with the model's answers, and the attention of each hop for
    /// the first two: a model that has learnt to look lights the objects the question names.
    public func reportFigures(rng: inout RandomGenerator) throws -> [TaskFigure] {
        guard let set = try corpus().evaluation.first, set.count > 0 else { return [] }
        let questions = Array(set.questions.prefix(8))
        var noise = RandomGenerator(seed: 0)
        let output = GradMode.withNoGrad { logits(questions, in: set, training: false, rng: &noise) }
        let (guesses, hops) = (output.logits.value.argmax(axis: -1), output.hops)
        var lines: [String] = [], figures: [TaskFigure] = []
        for (i, q) in questions.enumerated() {
            let mark = answers[guesses[i]] == q.answer ? "right" : "wrong"
            lines.append("\(set.imageNames[q.image]):  \(q.question)?  model: \(answers[guesses[i]])  answer: \(q.answer)  (\(q.kind), \(mark))")
            if i < 2 && !hops.isEmpty {
                let grid = model.grid, l = grid.height * grid.width
                figures.append(.image(title: "Attention for \"\(q.question)?\"",
                                      image: AttentionFigure.render(image: set.image(q.image), words: hops.indices.map(attentionPanelTitle),
                                                                    alphas: hops.map { Array($0.scalars[(i * l)..<((i + 1) * l)]) }, grid: grid),
                                      caption: "model: \(answers[guesses[i]]), answer: \(q.answer)"))
            }
        }
        return [.text(title: "Answers to the first \(questions.count) \(set.name) questions", body: lines.joined(separator: "\n"))] + figures
    }
}
