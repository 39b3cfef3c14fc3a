/// A picture a task contributes to `recur report`, as data: the host draws it, so task plugins
/// need no plotting code (translation attention maps, confusion matrices, recall maps).
public enum TaskFigure: Sendable {
    case text(title: String, body: String)
    /// `values[row][column]`, drawn with a colour bar.
    case heatmap(title: String, rowLabels: [String], columnLabels: [String], values: [[Double]], xLabel: String, yLabel: String)
    /// A picture the task drew itself (an attention figure), with a line under it.
    case image(title: String, image: Image, caption: String)
}

/// A task that has pictures of its trained model to show in a run report.
public protocol ReportIllustrating: TaskSession {
    func reportFigures(rng: inout RandomGenerator) throws -> [TaskFigure]
}
