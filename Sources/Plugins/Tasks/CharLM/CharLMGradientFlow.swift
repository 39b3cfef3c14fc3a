import RecurKit

extension CharLMSession: GradientFlowProbing {
    /// Cross-entropy of the last character's prediction, on `batch` windows of the validation
    /// text (the training text when validation is shorter than `length`) at random offsets.
    public func gradientFlowProbe(length: Int, batch: Int, rng: inout RandomGenerator) throws -> GradientFlowProbe {
        let split = try data()
        let text = split.validation.count > length + 1 ? split.validation : split.train.ids
        guard text.count > length + 1 else {
            throw TaskError("the corpus has \(text.count) characters; a gradient-flow probe of \(length) steps needs more")
        }
        var inputs = [Int32](repeating: 0, count: length * batch), targets = [Int32](repeating: 0, count: batch)
        for b in 0..<batch {
            let start = Int(rng.next() % UInt64(text.count - length - 1))
            for t in 0..<length { inputs[t * batch + b] = text[start + t] }
            targets[b] = text[start + length]
        }
        let model = model
        return GradientFlowProbe(stack: model.rnn, inputs: model.inputs(inputs, steps: length, batch: batch)) { h in
            crossEntropy(logits: model.logits(h), targets: targets, reduction: .sum)
        }
    }
}
