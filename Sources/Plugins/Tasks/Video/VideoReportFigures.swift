import RecurKit

extension VideoSession: ReportIllustrating {
    /// The first validation clips with the model's caption (or frame labels) beside the truth, and
    /// for captions the attention over frames of the first two clips.
    public func reportFigures(rng: inout RandomGenerator) throws -> [TaskFigure] {
        guard let set = try corpus().evaluation.first, set.count > 0 else { return [] }
        var lines: [String] = [], figures: [TaskFigure] = []
        var noise = RandomGenerator(seed: 0)
        for i in 0..<min(6, set.count) {
            let frames = set.frames(i)
            if let labeller = model.labeller {
                let guesses = GradMode.withNoGrad { labeller(model.encode([frames], training: false, rng: &noise).frames).value.argmax(axis: -1) }
                lines.append("\(set.names[i]):  model: \(guesses.map { labels[$0] }.joined(separator: " "))")
                lines.append("  truth: \(set.frameLabels[i].joined(separator: " "))")
                continue
            }
            let result = GradMode.withNoGrad {
                model.decoder!.greedy(model.memory(model.encode([frames], training: false, rng: &noise)), maxSteps: decodeLength)[0]
            }
            let words = result.ids.map(self.words.token)
            lines.append("\(set.names[i]):  \(words.joined(separator: " "))")
            lines.append("  references: " + set.captions[i].map { $0.joined(separator: " ") }.joined(separator: " | "))
            if i < 2 && !result.attention.isEmpty {
                figures.append(.image(title: "Attention over the frames: \(set.names[i])",
                                      image: FrameAttentionFigure.render(frames: frames, words: Array((words + ["<eos>"]).prefix(result.attention.count)),
                                                                         alphas: result.attention),
                                      caption: "\"\(words.joined(separator: " "))\" — each row lights the frames α weighs for that word"))
            }
        }
        return [.text(title: "The first \(lines.count / 2) \(set.name) clips", body: lines.joined(separator: "\n"))] + figures
    }
}
