import RecurKit

/// What a classifier says about one text.
public struct TextClassification: Sendable, Equatable {
    /// The text as given.
    public var text: String
    /// Every class with its probability, most likely first.
    public var ranked: [(label: String, probability: Double)]
    /// Tokens the model never saw in training; each was read as `<unk>`.
    public var unknownTokens: [String]
    /// Attention pooling's weight on each token (they sum to 1), when the model pools that way.
    public var attention: [Double]?

    public init(text: String, ranked: [(label: String, probability: Double)], unknownTokens: [String],
                attention: [Double]? = nil) {
        self.text = text
        self.ranked = ranked
        self.unknownTokens = unknownTokens
        self.attention = attention
    }

    /// The predicted class.
    public var label: String { ranked[0].label }

    public static func == (a: TextClassification, b: TextClassification) -> Bool {
        a.text == b.text && a.unknownTokens == b.unknownTokens && a.attention == b.attention
            && a.ranked.map(\.label) == b.ranked.map(\.label) && a.ranked.map(\.probability) == b.ranked.map(\.probability)
    }
}
