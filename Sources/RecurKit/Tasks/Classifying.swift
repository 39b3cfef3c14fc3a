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

/// A task whose model assigns one class to a whole text (`recur classify`).
public protocol Classifying: TaskSession {
    /// The class names in label-index order.
    var labels: [String] { get }
    /// Classifies each text; throws on an empty text or one longer than the model's limit.
    func classify(_ texts: [String]) throws -> [TextClassification]
}

/// A task whose evaluation has more to show than numbers: a printed report and files for the run
/// directory (a confusion matrix as a table and as an SVG heatmap).
public protocol EvaluationReporting: TaskSession {
    /// The report of the most recent `evaluate()`, or `nil` before the first one.
    func evaluationReport() -> EvaluationReport?
}

/// Text to print and files to write after an evaluation.
public struct EvaluationReport: Sendable {
    public var text: String
    /// File name (no directories) → contents.
    public var files: [String: [UInt8]]

    public init(text: String, files: [String: [UInt8]]) {
        self.text = text
        self.files = files
    }
}
