import RecurKit

extension CopySession: ReportIllustrating {
    /// The model's output distribution over the recall window of one test sequence: a model that
    /// remembers puts a bright cell on each row's target symbol.
    public func reportFigures(rng: inout RandomGenerator) throws -> [TaskFigure] {
        let (inputs, targets) = problem.batch(count: 1, rng: &rng)
        let probabilities = GradMode.withNoGrad {
            var dropoutRNG = RandomGenerator(seed: 0)
            return softmax(model(problem.oneHot(inputs, count: 1), training: false, rng: &dropoutRNG)).value
        }
        let classes = problem.outputClasses
        let window = (problem.steps - problem.symbols - 1)..<problem.steps
        let rows = window.map { t in (0..<classes).map { Double(probabilities.scalars[t * classes + $0]) } }
        return [.heatmap(title: "Recall of one test sequence", rowLabels: window.map { "t=\($0) want \(targets[$0])" },
                         columnLabels: (0..<classes).map { $0 == 0 ? "blank" : "\($0)" }, values: rows,
                         xLabel: "predicted symbol (probability)", yLabel: "step")]
    }
}
