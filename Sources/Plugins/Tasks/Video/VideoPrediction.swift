import Foundation
import RecurKit

/// `recur predict RUN CLIP_FOLDER`: a folder of numbered PNG frames in, its caption (or, with
/// `--per-frame`, one label per frame) out; `--attention-map out.png` draws which frames the
/// decoder looked at for each word.
extension VideoSession: Predicting {
    public typealias PredictionOptions = CaptionPredictionOptions

    public func predict(_ input: String, options: PredictionOptions, rng: inout RandomGenerator) throws -> Prediction {
        let frames = try Clip.readFrames(URL(fileURLWithPath: input), height: self.options.imageSize, width: self.options.imageSize)
        var noise = RandomGenerator(seed: 0)
        if let labeller = model.labeller {
            let guesses = GradMode.withNoGrad { labeller(model.encode([frames], training: false, rng: &noise).frames).value.argmax(axis: -1) }
            let named = guesses.map { labels[$0] }
            return Prediction(input: input, text: named.enumerated().map { "\($0 + 1) \($1)" }.joined(separator: "\n"),
                              fields: ["frame_labels": .array(named.map(JSONValue.string))])
        }
        let result = GradMode.withNoGrad {
            model.decoder!.beamSearch(model.memory(model.encode([frames], training: false, rng: &noise)), width: options.beam,
                                      maxSteps: decodeLength)
        }
        let written = result.ids.map(words.token)
        var text = written.joined(separator: " ")
        var fields: [String: JSONValue] = [
            "caption": .string(text), "words": .array(written.map(JSONValue.string)), "log_probability": .double(result.logProbability),
            "attention": .array(result.attention.map { .array($0.map { .double(Double($0)) }) }),
        ]
        if !options.attentionMap.isEmpty {
            guard !result.attention.isEmpty else { throw TaskError("--attention-map: this model has no attention (--attention none)") }
            let figure = FrameAttentionFigure.render(frames: frames, words: Array((written + ["<eos>"]).prefix(result.attention.count)),
                                                     alphas: result.attention)
            try figure.writePNG(to: URL(fileURLWithPath: options.attentionMap))
            fields["attention_map"] = .string(options.attentionMap)
            text += "\n(attention map: \(options.attentionMap))"
        }
        return Prediction(input: input, text: text, fields: fields)
    }
}
