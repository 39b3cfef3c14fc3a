import RecurKit

/// Embedding → any registered cell stack → pooling → linear: a many-to-one classifier.
///
/// Shapes: ids `[T, B]` → embeddings `[T, B, E]` → outputs `[T, B, D·H]` → pooled `[B, D·H]` →
/// logits `[B, C]`. Parameter names follow PyTorch (`encoder.weight` — the embedding, named as in
/// word_language_model like every task's input embedding — `rnn.weight_ih_l0`, …,
/// `attention.query`, `classifier.weight`, `classifier.bias`).
public final class SequenceClassifier: ParameterOwner {
    public let embedding: Embedding
    public let rnn: RecurrentStack
    public let pooling: Pooling
    /// Attention pooling's query `[D·H]`, initialised U(±1/√(D·H)) like a linear layer's weight.
    public let query: Variable?
    public let classifier: Linear
    /// Embedding dropout while training (``Embedding/callAsFunction(_:shape:dropout:training:rng:)``).
    public var embeddingDropout: Float = 0

    public init(vocabularySize: Int, embedding width: Int, classes: Int, stack: StackConfig, pooling: Pooling,
                cells: Registry<CellDescriptor>, rng: inout RandomGenerator) throws {
        embedding = Embedding(vocabularySize: vocabularySize, width: width, rng: &rng)
        // nn.Embedding(padding_idx: 0) starts the pad row at zero; masking keeps its gradient zero.
        embedding.weight.updateValue { for j in 0..<width { $0[j] = 0 } }
        rnn = try RecurrentStack(stack, inputSize: width, registry: cells, rng: &rng)
        self.pooling = pooling
        let features = stack.outputSize
        let bound = 1 / Float(features).squareRoot()
        query = pooling == .attention ? parameter(rng.uniformTensor([features], -bound, bound), "query") : nil
        classifier = Linear(inputSize: features, outputSize: classes, rng: &rng)
    }

    public var namedParameters: [NamedParameter] {
        embedding.namedParameters(prefix: "encoder") + rnn.namedParameters(prefix: "rnn")
            + (query.map { [("attention.query", $0)] } ?? []) + classifier.namedParameters(prefix: "classifier")
    }

    /// Logits `[B, C]` and, for attention pooling, the weights `[B, T]`.
    public func callAsFunction(_ batch: TokenBatch, training: Bool, rng: inout RandomGenerator)
        -> (logits: Variable, attention: Tensor?) {
        let embedded = embedding(batch.ids, shape: [batch.steps, batch.batch], dropout: embeddingDropout, training: training, rng: &rng)
        let (outputs, states) = rnn(embedded, mask: batch.mask, training: training, rng: &rng)
        let pooled = pooling.pool(outputs: outputs, finalStates: states, directions: rnn.config.directions,
                                  batch: batch, query: query)
        return (classifier(pooled.features), pooled.attention)
    }
}
