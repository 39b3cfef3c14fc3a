import Foundation
import RecurKit

/// `recur predict` (and `recur tag`) on a tagger: whitespace-separated tokens in, a tag and its
/// probability per token out. For a run on the default data the input is first lower-cased and
/// stripped of punctuation as its training text was, and the output adds the text restored
/// from the case and punctuation tags.
extension TaggingSession: Predicting {
    public func predict(_ input: String, options: NoOptions, rng: inout RandomGenerator) throws -> Prediction {
        let result = try tag(input)
        var fields: [String: JSONValue] = [
            "tokens": .array(result.tokens.map(JSONValue.string)),
            "tags": .array(result.tags.map(JSONValue.string)),
            "probabilities": .array(result.probabilities.map(JSONValue.double)),
            "unknown": .array(result.unknown.map(JSONValue.string)),
            "decoding": .string(self.options.crf ? "viterbi" : "softmax"),
        ]
        let width = result.tokens.map(\.count).max() ?? 0, tagWidth = result.tags.map(\.count).max() ?? 0
        var lines = zip(result.tokens, zip(result.tags, result.probabilities)).map { token, tagged in
            token.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + tagged.0.padding(toLength: tagWidth, withPad: " ", startingAt: 0)
                + String(format: "  %.3f", tagged.1)
        }
        if let restored = PunctuationCorpus.restore(tokens: result.tokens, tags: result.tags) {
            fields["restored"] = .string(restored)
            lines.append("→ " + restored)
        }
        return Prediction(input: input, text: lines.joined(separator: "\n"), fields: fields)
    }

    /// Tags one text (whitespace-separated tokens).
    public func tag(_ text: String) throws -> TaggedText {
        let tokens = config.data == nil ? PunctuationCorpus.normalise(text) : text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !tokens.isEmpty else { throw TaskError("the text is empty; give at least one word") }
        guard tokens.count <= self.options.maxLength else {
            throw TaskError("the text has \(tokens.count) tokens, more than this model's limit of \(self.options.maxLength) (--max-length at training)")
        }
        let encoded = vocabulary.encode(tokens)
        var rng = RandomGenerator(seed: 0)
        let batch = TokenBatch([encoded.ids])
        let spellings = characters == nil ? nil : [Self.spelling(tokens, characters)]
        let decoded = GradMode.withNoGrad {
            model.decode(emissions: model.emissions(batch, spellings: spellings, training: false, rng: &rng).value, lengths: batch.lengths)[0]
        }
        return TaggedText(tokens: tokens, tags: decoded.path.map { tags[$0] }, probabilities: decoded.probabilities, unknown: encoded.unknown)
    }
}
