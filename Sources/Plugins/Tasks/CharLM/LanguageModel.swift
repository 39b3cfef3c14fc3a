import RecurKit

/// Embedding (or one-hot vectors) → cell stack → linear decoder: the `RNNModel` of PyTorch's
/// `examples/word_language_model`, with its parameter names (`encoder.weight`,
/// `rnn.weight_ih_l0`, …, `decoder.weight`, `decoder.bias`), so exported weights load there with
/// `load_state_dict`. char-lm and word-lm both use it.
///
/// ```
/// x_t = drop(E[id_t])                 E: encoder.weight [V, E]
/// h_t = stack(x_t, h_{t−1})           dropout p between layers (nn.LSTM(dropout: p))
/// logits_t = W · drop(h_t) + b        W: decoder.weight [V, H], b: decoder.bias [V]
/// ```
///
/// `drop` is ``outerDropout`` (RNNModel's `self.drop`: word-lm sets it to the stack's dropout,
/// char-lm to 0). **Tied** (`--tied`, Press & Wolf 2016, word_language_model's `tie_weights`):
/// W *is* E, one variable whose gradient sums its use in the lookup and in the decoder; it needs
/// H = E. The parameter list then names it twice (`encoder.weight`, `decoder.weight`), as
/// PyTorch's `state_dict` does.
///
/// Initialisation: ``Initialization``.
///
/// Shapes: ids `[T, B]` → embeddings `[T, B, E]` (one-hot: `[T, B, V]`) → hidden `[T, B, H]` →
/// logits `[T·B, V]`.
public final class LanguageModel: ParameterOwner {
    /// How the encoder and decoder start (the stack always starts as PyTorch's cells do).
    public enum Initialization: Sendable {
        /// `nn.Embedding` N(0, 1) and `nn.Linear` U(±1/√H): the char-lm recipe of docs/recipes.md.
        case pytorchLayers
        /// RNNModel's `init_weights`: encoder and decoder weights U(±0.1), decoder bias 0.
        case wordLanguageModel
    }

    /// `nil` with one-hot input: the lecture's form, where `W_xh` sees the one-hot vector.
    public let encoder: Embedding?
    public let vocabularySize: Int
    public let rnn: RecurrentStack
    /// `[V, H]`; the encoder's table itself when ``tied``.
    public let decoderWeight: Variable
    /// `[V]`.
    public let decoderBias: Variable
    public let tied: Bool
    /// Dropout on the embeddings and on the stack's output (training only).
    public let outerDropout: Float
    /// Embedding dropout while training (``Embedding/callAsFunction(_:shape:dropout:training:rng:)``):
    /// whole rows of the table, before ``outerDropout``.
    public var embeddingDropout: Float = 0

    /// `embedding` nil: one-hot input. Throws when `tied` cannot hold: one-hot input, or a
    /// hidden size other than the embedding width.
    public init(vocabularySize: Int, embedding: Int?, stack: StackConfig, cells: Registry<CellDescriptor>,
                tied: Bool = false, outerDropout: Float = 0, initialization: Initialization = .pytorchLayers,
                rng: inout RandomGenerator) throws {
        if tied {
            guard let embedding else {
                throw ConfigValueError(field: "tied", value: "true", expected: "--input embedding (one-hot input has no embedding table to tie the decoder to)")
            }
            guard embedding == stack.outputSize else {
                throw ConfigValueError(field: "tied", value: "true",
                                       expected: "--hidden equal to --embedding, since the decoder's weight is then the embedding table (got --hidden \(stack.outputSize), --embedding \(embedding))")
            }
        }
        self.vocabularySize = vocabularySize
        self.tied = tied
        self.outerDropout = outerDropout
        let encoder = embedding.map { Embedding(vocabularySize: vocabularySize, width: $0, rng: &rng) }
        if initialization == .wordLanguageModel, let encoder {
            encoder.weight.assign(rng.uniformTensor(encoder.weight.shape, -0.1, 0.1))
        }
        self.encoder = encoder
        rnn = try RecurrentStack(stack, inputSize: embedding ?? vocabularySize, registry: cells, rng: &rng)
        if tied, let encoder {
            decoderWeight = encoder.weight
            decoderBias = parameter(Tensor(zeros: [vocabularySize]), "bias")
        } else {
            let linear = Linear(inputSize: stack.outputSize, outputSize: vocabularySize, rng: &rng)
            if initialization == .wordLanguageModel {
                linear.weight.assign(rng.uniformTensor(linear.weight.shape, -0.1, 0.1))
                linear.bias!.assign(Tensor(zeros: [vocabularySize]))
            }
            decoderWeight = linear.weight
            decoderBias = linear.bias!
        }
    }

    /// PyTorch's `state_dict` keys; a tied weight appears as both `encoder.weight` and
    /// `decoder.weight`.
    public var namedParameters: [NamedParameter] {
        (encoder?.namedParameters(prefix: "encoder") ?? []) + rnn.namedParameters(prefix: "rnn")
            + [("decoder.weight", decoderWeight), ("decoder.bias", decoderBias)]
    }

    /// The stack's input for `ids` `[T, B]`: embeddings, or one-hot rows.
    public func inputs(_ ids: [Int32], steps: Int, batch: Int) -> Variable {
        var rng = RandomGenerator(seed: 0)
        return inputs(ids, steps: steps, batch: batch, training: false, rng: &rng)
    }

    func inputs(_ ids: [Int32], steps: Int, batch: Int, training: Bool, rng: inout RandomGenerator) -> Variable {
        if let encoder { return encoder(ids, shape: [steps, batch], dropout: embeddingDropout, training: training, rng: &rng) }
        var scalars = [Float](repeating: 0, count: ids.count * vocabularySize)
        for (i, id) in ids.enumerated() { scalars[i * vocabularySize + Int(id)] = 1 }
        return Variable(Tensor(shape: [steps, batch, vocabularySize], scalars: scalars))
    }

    /// Logits `[N, V]` of top-layer hidden states `[N, H]`.
    public func logits(_ hidden: Variable) -> Variable {
        matmul(hidden, decoderWeight, transposeB: true) + decoderBias
    }

    /// Logits `[T·B, V]` and the final state, from `state` (zeros when nil).
    public func callAsFunction(_ ids: [Int32], steps: Int, batch: Int, state: [[Variable]]?, training: Bool,
                               rng: inout RandomGenerator) -> (logits: Variable, state: [[Variable]]) {
        let embedded = dropout(inputs(ids, steps: steps, batch: batch, training: training, rng: &rng), probability: outerDropout,
                               training: training, rng: &rng)
        let (hidden, next) = rnn(embedded, initialState: state, training: training, rng: &rng)
        let output = dropout(hidden.reshaped([steps * batch, rnn.config.outputSize]), probability: outerDropout, training: training, rng: &rng)
        return (logits(output), next)
    }
}
