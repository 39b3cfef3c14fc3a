import RecurKit

/// Word embedding → any registered cell stack → per-token linear, and with `--crf` a
/// ``LinearChainCRF`` over the linear's scores: a many-to-many tagger.
///
/// Shapes: ids `[T, B]` → embeddings `[T, B, E]` → outputs `[T, B, D·H]` → emissions `[T, B, K]`.
/// Padding is masked: it never enters a state (the stack freezes each sentence after its last
/// token), and the losses read only each sentence's own steps. Parameter names follow PyTorch
/// (`encoder.weight` for the word embedding, as every task's input embedding, `rnn.weight_ih_l0`, …, `tagger.weight`, `tagger.bias`, `crf.transitions`).
public final class SequenceTagger: ParameterOwner {
    public let embedding: Embedding
    public let rnn: RecurrentStack
    public let tagger: Linear
    public let crf: LinearChainCRF?
    /// `--char-features`: spelling features joined to each word's embedding.
    public let characters: CharacterFeatures?
    /// Embedding dropout while training (``Embedding/callAsFunction(_:shape:dropout:training:rng:)``).
    public var embeddingDropout: Float = 0

    /// `characters`: the character vocabulary's size, embedding width and hidden size, for
    /// `--char-features`.
    public init(vocabularySize: Int, embedding width: Int, tags: Int, crf: Bool, stack: StackConfig,
                characters: (count: Int, embedding: Int, hidden: Int)? = nil,
                cells: Registry<CellDescriptor>, rng: inout RandomGenerator) throws {
        embedding = Embedding(vocabularySize: vocabularySize, width: width, rng: &rng)
        // nn.Embedding(padding_idx: 0) starts the pad row at zero; masking keeps its gradient zero.
        embedding.weight.updateValue { for j in 0..<width { $0[j] = 0 } }
        self.characters = try characters.map {
            try CharacterFeatures(characters: $0.count, embedding: $0.embedding, hidden: $0.hidden, cells: cells, rng: &rng)
        }
        rnn = try RecurrentStack(stack, inputSize: width + (self.characters?.width ?? 0), registry: cells, rng: &rng)
        tagger = Linear(inputSize: stack.outputSize, outputSize: tags, rng: &rng)
        self.crf = crf ? LinearChainCRF(tags: tags, rng: &rng) : nil
    }

    public var namedParameters: [NamedParameter] {
        embedding.namedParameters(prefix: "encoder") + (characters?.namedParameters ?? []) + rnn.namedParameters(prefix: "rnn")
            + tagger.namedParameters(prefix: "tagger") + (crf?.namedParameters(prefix: "crf") ?? [])
    }

    /// Emission scores `[T, B, K]` (the softmax's logits, or the CRF's per-token scores).
    /// `spellings[b][t]` are word t's character ids, needed with ``characters``.
    public func emissions(_ batch: TokenBatch, spellings: [[[Int32]]]? = nil, training: Bool,
                          rng: inout RandomGenerator) -> Variable {
        var input = embedding(batch.ids, shape: [batch.steps, batch.batch], dropout: embeddingDropout, training: training, rng: &rng)
        if let characters {
            precondition(spellings?.count == batch.batch, "SequenceTagger: character features need every sentence's spelling")
            input = concat([input, characters(spellings!, steps: batch.steps, training: training, rng: &rng)])
        }
        let (outputs, _) = rnn(input, mask: batch.mask, training: training, rng: &rng)
        return tagger(outputs)
    }

    /// The summed loss over every real token of the batch: Σ −log softmax(e_t)[y_t], or with the
    /// CRF Σ_b −log p(y_b | x_b). `gold[b]` holds sentence b's tag ids; `labelSmoothing`
    /// applies to the softmax's cross-entropy.
    public func summedLoss(emissions: Variable, gold: [[Int32]], batch: TokenBatch, labelSmoothing: Float = 0) -> Variable {
        if let crf { return crf.negativeLogLikelihood(emissions: emissions, gold: gold) }
        var targets = [Int32](repeating: -1, count: batch.steps * batch.batch)
        for (b, tags) in gold.enumerated() { for (t, tag) in tags.enumerated() { targets[t * batch.batch + b] = tag } }
        let tags = emissions.shape[2]
        return crossEntropy(logits: emissions.reshaped([batch.steps * batch.batch, tags]), targets: targets,
                            ignoreIndex: -1, reduction: .sum, labelSmoothing: labelSmoothing)
    }

    /// Each sentence's tags and the probability of each: the Viterbi path with its per-token
    /// marginals (CRF), or the per-token argmax of the softmax.
    public func decode(emissions: Tensor, lengths: [Int]) -> [(path: [Int], probabilities: [Double])] {
        if let crf { return crf.decode(emissions: emissions, lengths: lengths) }
        let batch = emissions.shape[1], tags = emissions.shape[2]
        let probabilities = softmax(Variable(emissions)).value
        return lengths.enumerated().map { b, n in
            var path: [Int] = [], p: [Double] = []
            probabilities.withPointer { x in
                for t in 0..<n {
                    let row = x + (t * batch + b) * tags
                    var best = 0
                    for k in 1..<tags where row[k] > row[best] { best = k }
                    path.append(best)
                    p.append(Double(row[best]))
                }
            }
            return (path, p)
        }
    }
}
