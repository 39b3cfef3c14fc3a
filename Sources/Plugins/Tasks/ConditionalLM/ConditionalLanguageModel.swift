import RecurKit

/// p(text | condition): a character language model whose every sequence is conditioned on a
/// vector — here a learned class embedding; any encoder's output fits the same interface.
///
/// With condition c `[B, C]`: `init` starts every layer from h₀ = tanh(W_init c + b_init) (other
/// state tensors zero); `input` feeds `[embed(x_t) ; c]` at every step; `both` does both.
/// Shapes: ids `[T, B]` → `[T, B, E (+ C)]` → cell stack `[T, B, H]` → logits `[T·B, V]`.
/// Parameters: `condition.weight` (the class embedding), `encoder.weight`, `init.weight`,
/// `init.bias`, `rnn.…`, `decoder.weight`, `decoder.bias`.
public final class ConditionalLanguageModel: ParameterOwner {
    public let condition: Embedding
    public let encoder: Embedding
    public let initial: Linear?
    public let rnn: RecurrentStack
    public let decoder: Linear
    public let conditionOnInput: Bool
    /// Embedding dropout while training (``Embedding/callAsFunction(_:shape:dropout:training:rng:)``).
    public var embeddingDropout: Float = 0

    public init(classes: Int, vocabularySize: Int, options: ConditionalLMOptions, stack: StackConfig,
                cells: Registry<CellDescriptor>, rng: inout RandomGenerator) throws {
        condition = Embedding(vocabularySize: classes, width: options.conditionSize, rng: &rng)
        encoder = Embedding(vocabularySize: vocabularySize, width: options.embedding, rng: &rng)
        conditionOnInput = options.conditionOn != .initial
        initial = options.conditionOn == .input ? nil
            : Linear(inputSize: options.conditionSize, outputSize: stack.hiddenSize * stack.layers * stack.directions, rng: &rng)
        rnn = try RecurrentStack(stack, inputSize: options.embedding + (conditionOnInput ? options.conditionSize : 0),
                                 registry: cells, rng: &rng)
        decoder = Linear(inputSize: stack.outputSize, outputSize: vocabularySize, rng: &rng)
    }

    public var namedParameters: [NamedParameter] {
        condition.namedParameters(prefix: "condition") + encoder.namedParameters(prefix: "encoder")
            + (initial?.namedParameters(prefix: "init") ?? []) + rnn.namedParameters(prefix: "rnn")
            + decoder.namedParameters(prefix: "decoder")
    }

    /// The condition vectors `[B, C]` of class indices.
    public func conditions(_ classes: [Int32]) -> Variable {
        condition(classes, shape: [classes.count])
    }

    /// The initial state for `condition` `[B, C]`: h₀ from the condition, or zeros.
    public func initialState(_ condition: Variable) -> [[Variable]] {
        let batch = condition.shape[0]
        guard let initial else { return rnn.zeroState(batch: batch) }
        let h = initial(condition).tanh().split(sizes: Array(repeating: rnn.config.hiddenSize, count: rnn.cells.count))
        return rnn.cells.indices.map { i in [h[i]] + rnn.cells[i].zeroState(batch: batch).dropFirst() }
    }

    /// Logits `[T·B, V]` and the final state; `state` nil starts from the condition's state.
    public func callAsFunction(_ ids: [Int32], steps: Int, condition: Variable, state: [[Variable]]?, mask: Tensor? = nil,
                               training: Bool, rng: inout RandomGenerator) -> (logits: Variable, state: [[Variable]]) {
        let batch = condition.shape[0]
        var input = encoder(ids, shape: [steps, batch], dropout: embeddingDropout, training: training, rng: &rng)
        if conditionOnInput { input = concat([input, stack(Array(repeating: condition, count: steps))]) }
        let (hidden, next) = rnn(input, initialState: state ?? initialState(condition), mask: mask, training: training, rng: &rng)
        return (decoder(hidden.reshaped([steps * batch, rnn.config.outputSize])), next)
    }
}
