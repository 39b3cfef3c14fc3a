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
