import Foundation
import RecurKit

/// `recur predict` on a classifier: the class of the input text, with the top-k probabilities.
extension ClassificationSession: Predicting {
    public struct PredictionOptions: PluginOptions {
        public var topK = 3

        enum CodingKeys: String, CodingKey { case topK = "top-k" }

        public init() {}

        public static let fields: [OptionField<Self>] = [.init("top-k", \.topK, help: "How many classes to list.")]

        public func validate() throws { try ConfigValueError.check(topK >= 1, "top-k", topK, "an integer ≥ 1") }
    }

    public func predict(_ input: String, options: PredictionOptions, rng: inout RandomGenerator) throws -> Prediction {
        let result = try classify([input])[0]
        let top = result.ranked.prefix(options.topK)
        var fields: [String: JSONValue] = [
            "label": .string(result.label),
            "top": .array(top.map { .object(["label": .string($0.label), "probability": .double($0.probability)]) }),
            "unknown": .array(result.unknownTokens.map(JSONValue.string)),
        ]
        if let attention = result.attention { fields["attention"] = .array(attention.map(JSONValue.double)) }
        let text = top.map { String(format: "%@ %.3f", $0.label, $0.probability) }.joined(separator: "  ")
        return Prediction(input: input, text: text, fields: fields)
    }
}
