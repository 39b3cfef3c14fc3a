import RecurKit

/// Embedding → cell stack → linear, with the parameter names of PyTorch's
/// `examples/word_language_model` (`encoder.weight`, `rnn.weight_ih_l0`, …, `decoder.weight`,
/// `decoder.bias`), so exported weights load there with `load_state_dict`.
///
/// Shapes: ids `[T, B]` → embeddings `[T, B, E]` → hidden `[T, B, H]` → logits `[T·B, V]`.
public final class CharLanguageModel: ParameterOwner {
    public let encoder: Embedding
    public let rnn: RecurrentStack
    public let decoder: Linear

    public init(vocabularySize: Int, embedding: Int, stack: StackConfig, cells: Registry<CellDescriptor>,
                rng: inout RandomGenerator) throws {
        encoder = Embedding(vocabularySize: vocabularySize, width: embedding, rng: &rng)
        rnn = try RecurrentStack(stack, inputSize: embedding, registry: cells, rng: &rng)
        decoder = Linear(inputSize: stack.outputSize, outputSize: vocabularySize, rng: &rng)
    }

    public var namedParameters: [NamedParameter] {
        encoder.namedParameters(prefix: "encoder") + rnn.namedParameters(prefix: "rnn") + decoder.namedParameters(prefix: "decoder")
    }

    /// Logits `[T·B, V]` and the final state, from `state` (zeros when nil).
    public func callAsFunction(_ ids: [Int32], steps: Int, batch: Int, state: [[Variable]]?, training: Bool,
                               rng: inout RandomGenerator) -> (logits: Variable, state: [[Variable]]) {
        let embedded = encoder(ids, shape: [steps, batch])
        let (hidden, next) = rnn(embedded, initialState: state, training: training, rng: &rng)
        return (decoder(hidden.reshaped([steps * batch, rnn.config.outputSize])), next)
    }
}
