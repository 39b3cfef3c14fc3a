import Foundation
import RecurKit

/// `recur predict RUN image.png "what colour is the square?"`: the answer, its probability and
/// the alternatives; `--attention-map out.png` draws where each hop looked.
extension VQASession: Predicting {
    public struct PredictionOptions: PluginOptions {
        public var topK = 3
        public var attentionMap = ""

        enum CodingKeys: String, CodingKey { case topK = "top-k", attentionMap = "attention-map" }

        public init() {}

        public static var pathFields: Set<String> { ["attention-map"] }

        public static let fields: [OptionField<Self>] = [
            .init("top-k", \.topK, help: "Answers listed with their probabilities."),
            .init("attention-map", \.attentionMap, help: "Write the attention of each hop over the image to this PNG."),
        ]

        public func validate() throws {
            try ConfigValueError.check(topK >= 1, "top-k", topK, "an integer ≥ 1")
            if !attentionMap.isEmpty && !attentionMap.lowercased().hasSuffix(".png") {
                throw ConfigValueError(field: "attention-map", value: attentionMap, expected: "a file name ending in .png")
            }
        }
    }

    /// An image and a question make one prediction.
    public var inputsPerPrediction: Int { 2 }

    public func predict(_ input: String, options: PredictionOptions, rng: inout RandomGenerator) throws -> Prediction {
        let parts = input.split(separator: "\t", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw TaskError("vqa answers an image and a question: IMAGE.png \"QUESTION\" (got \"\(input)\")") }
        let image = try Image.readPNG(URL(fileURLWithPath: parts[0])).resized(height: self.options.imageSize, width: self.options.imageSize)
        let words = CaptionText.normalized(parts[1]).split(separator: " ").map(String.init)
        guard !words.isEmpty else { throw TaskError("the question is empty") }
        let (ids, unknown) = questionWords.encode(words)
        let question = VisualQuestion(image: 0, question: words.joined(separator: " "), answer: "", kind: "other")
        let set = QuestionSet(name: "predict", questions: [question], imageNames: [parts[0]], image: { _ in image })
        var noise = RandomGenerator(seed: 0)
        let output = GradMode.withNoGrad { logits([question], in: set, training: false, rng: &noise) }
        let hops = output.hops
        let probabilities = softmax(output.logits).value.scalars
        let ranked = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }.prefix(options.topK)
        var text = ranked.map { "\(answers[$0]) \(String(format: "%.1f%%", 100 * probabilities[$0]))" }.joined(separator: "  ")
        if !unknown.isEmpty { text += "\n(words the model never saw: \(unknown.joined(separator: ", ")))" }
        var fields: [String: JSONValue] = [
            "question": .string(parts[1]), "image": .string(parts[0]), "answer": .string(answers[ranked.first!]),
            "probabilities": .object(Dictionary(uniqueKeysWithValues: ranked.map { (answers[$0], JSONValue.double(Double(probabilities[$0]))) })),
            "unknown": .array(unknown.map(JSONValue.string)),
            "attention": .array(hops.map { .array($0.scalars.map { .double(Double($0)) }) }),
        ]
        if !options.attentionMap.isEmpty {
            guard !hops.isEmpty else { throw TaskError("--attention-map: this model has no attention (--attention none)") }
            let figure = AttentionFigure.render(image: image, words: hops.indices.map(attentionPanelTitle),
                                                alphas: hops.map(\.scalars), grid: model.grid)
            try figure.writePNG(to: URL(fileURLWithPath: options.attentionMap))
            fields["attention_map"] = .string(options.attentionMap)
            text += "\n(attention map: \(options.attentionMap))"
        }
        return Prediction(input: input, text: text, fields: fields)
    }

    /// The title of attention panel `i`: a hop of stacked attention, or a view of `find` (the sum
    /// of the word maps one view of the question picks).
    func attentionPanelTitle(_ i: Int) -> String {
        options.attention == .find ? "view \(i + 1)" : "hop \(i + 1)"
    }
}
