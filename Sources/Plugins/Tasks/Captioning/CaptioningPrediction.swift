import Foundation
import RecurKit

/// `recur predict` on a captioning run: a PNG in, its caption out; `--attention-map out.png`
/// writes the figure of where the decoder looked for each word.
extension CaptioningSession: Predicting {
    public typealias PredictionOptions = CaptionPredictionOptions

    public func predict(_ input: String, options: PredictionOptions, rng: inout RandomGenerator) throws -> Prediction {
        let image = try Image.readPNG(URL(fileURLWithPath: input)).resized(height: self.options.imageSize, width: self.options.imageSize)
        let result = caption(image, beam: options.beam)
        let words = result.ids.map(vocabulary.token)
        var text = words.joined(separator: " ")
        var fields: [String: JSONValue] = [
            "caption": .string(text), "words": .array(words.map(JSONValue.string)), "log_probability": .double(result.logProbability),
            "attention": .array(result.attention.map { .array($0.map { .double(Double($0)) }) }),
            "grid": .array([.int(model.grid.height), .int(model.grid.width)]),
        ]
        if !options.attentionMap.isEmpty {
            guard !result.attention.isEmpty else { throw TaskError("--attention-map: this model has no attention (--attention none)") }
            // One panel per word and one for the end of the caption.
            let figure = AttentionFigure.render(image: image, words: Array((words + ["<eos>"]).prefix(result.attention.count)),
                                                alphas: result.attention, grid: model.grid)
            try figure.writePNG(to: URL(fileURLWithPath: options.attentionMap))
            fields["attention_map"] = .string(options.attentionMap)
            text += "\n(attention map: \(options.attentionMap))"
        }
        return Prediction(input: input, text: text, fields: fields)
    }
}
