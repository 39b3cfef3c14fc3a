import RecurKit

/// `recur predict` on an adding run. The input is the sequence as values in [0, 1) separated
/// by spaces, the two to add marked with a trailing `*`: `"0.2 0.7* 0.1 0.4*"` → about 1.1.
extension AddingSession: Predicting {
    public func predict(_ input: String, options: NoOptions, rng: inout RandomGenerator) throws -> Prediction {
        let words = input.split(whereSeparator: \.isWhitespace)
        guard words.count >= 2 else { throw TaskError("give at least 2 values, two of them marked with *: \"0.2 0.7* 0.1 0.4*\"") }
        var pairs: [Float] = []
        var sum: Float = 0
        for word in words {
            let marked = word.hasSuffix("*")
            guard let value = Float(marked ? word.dropLast() : word), value.isFinite else {
                throw TaskError("'\(word)' is not a number (mark a value to add with a trailing *)")
            }
            pairs += [value, marked ? 1 : 0]
            if marked { sum += value }
        }
        var scratch = RandomGenerator(seed: 0)
        let output = GradMode.withNoGrad {
            model(Tensor(shape: [words.count, 1, 2], scalars: pairs), training: false, rng: &scratch)
        }
        let prediction = Double(output.value.scalars[0])
        return Prediction(input: input, text: "\(prediction) (marked values sum to \(sum))",
                          fields: ["prediction": .double(prediction), "marked_sum": .double(Double(sum))])
    }
}
