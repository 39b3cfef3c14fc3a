import RecurKit

/// Embedding (or one-hot vectors) → cell stack → linear, with the parameter names of PyTorch's
/// `examples/word_language_model` (`encoder.weight`, `rnn.weight_ih_l0`, …, `decoder.weight`,
/// `decoder.bias`), so exported weights load there with `load_state_dict`.
///
/// Shapes: ids `[T, B]` → embeddings `[T, B, E]` (one-hot: `[T, B, V]`) → hidden `[T, B, H]` →
/// logits `[T·B, V]`.
public final class CharLanguageModel: ParameterOwner {
    /// `nil` with one-hot input: the lecture's form, where `W_xh` sees the one-hot vector.
    public let encoder: Embedding?
    public let vocabularySize: Int
    public let rnn: RecurrentStack
    public let decoder: Linear

    /// `embedding` nil: one-hot input.
    public init(vocabularySize: Int, embedding: Int?, stack: StackConfig, cells: Registry<CellDescriptor>,
                rng: inout RandomGenerator) throws {
        self.vocabularySize = vocabularySize
        encoder = embedding.map { Embedding(vocabularySize: vocabularySize, width: $0, rng: &rng) }
        rnn = try RecurrentStack(stack, inputSize: embedding ?? vocabularySize, registry: cells, rng: &rng)
        decoder = Linear(inputSize: stack.outputSize, outputSize: vocabularySize, rng: &rng)
    }

    public var namedParameters: [NamedParameter] {
        (encoder?.namedParameters(prefix: "encoder") ?? []) + rnn.namedParameters(prefix: "rnn") + decoder.namedParameters(prefix: "decoder")
    }

    /// The stack's input for `ids` `[T, B]`: embeddings, or one-hot rows.
    public func inputs(_ ids: [Int32], steps: Int, batch: Int) -> Variable {
        if let encoder { return encoder(ids, shape: [steps, batch]) }
        var scalars = [Float](repeating: 0, count: ids.count * vocabularySize)
        for (i, id) in ids.enumerated() { scalars[i * vocabularySize + Int(id)] = 1 }
        return Variable(Tensor(shape: [steps, batch, vocabularySize], scalars: scalars))
    }

    /// Logits `[T·B, V]` and the final state, from `state` (zeros when nil).
    public func callAsFunction(_ ids: [Int32], steps: Int, batch: Int, state: [[Variable]]?, training: Bool,
                               rng: inout RandomGenerator) -> (logits: Variable, state: [[Variable]]) {
        let embedded = inputs(ids, steps: steps, batch: batch)
        let (hidden, next) = rnn(embedded, initialState: state, training: training, rng: &rng)
        return (decoder(hidden.reshaped([steps * batch, rnn.config.outputSize])), next)
    }
}
