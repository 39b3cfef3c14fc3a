import RecurKit

/// `recur predict` on a copy run. The input is the symbols to remember, as numbers 1…alphabet
/// separated by spaces (as many as the run's `--symbols`); the output is what the model recalls
/// after the run's blank stretch.
extension CopySession: Predicting {
    public func predict(_ input: String, options: NoOptions, rng: inout RandomGenerator) throws -> Prediction {
        let words = input.split(whereSeparator: \.isWhitespace)
        guard words.count == problem.symbols else {
            throw TaskError("give \(problem.symbols) symbols (this run's --symbols), got \(words.count)")
        }
        let symbols = try words.map { word -> Int32 in
            guard let symbol = Int32(word), symbol >= 1, Int(symbol) <= problem.alphabet else {
                throw TaskError("'\(word)' is not a symbol: expected an integer in 1…\(problem.alphabet)")
            }
            return symbol
        }
        var ids = [Int32](repeating: 0, count: problem.steps)
        ids.replaceSubrange(0..<symbols.count, with: symbols)
        ids[problem.symbols + problem.blanks - 1] = problem.delimiter
        var scratch = RandomGenerator(seed: 0)
        let logits = GradMode.withNoGrad { model(problem.oneHot(ids, count: 1), training: false, rng: &scratch) }.value.scalars
        let classes = problem.outputClasses
        let recalled = ((problem.steps - problem.symbols)..<problem.steps).map { t -> Int in
            let row = logits[(t * classes)..<((t + 1) * classes)]
            return row.indices.max { row[$0] < row[$1] }! - t * classes
        }
        return Prediction(input: input, text: recalled.map(String.init).joined(separator: " "),
                          fields: ["recalled": .array(recalled.map(JSONValue.int)),
                                   "correct": .int(zip(recalled, symbols).filter { $0 == Int($1) }.count)])
    }
}
