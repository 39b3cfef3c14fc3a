import RecurKit

/// An encoder–decoder with attention (the seed's model; docs/recipes.md, translation):
///
/// * **Encoder**: `Embedding(Vs, E)` → any registered cell stack (layers, bidirectional), over
///   padded sources with a mask, so its final state is each sentence's state after its `<eos>`.
/// * **Decoder**: `Embedding(Vt, E)` → a stack of the same cell, `layers` deep, hidden H = the
///   encoder's output width (D·h). It starts from the encoder's final state (per layer, the
///   directions concatenated) and is teacher-forced: input `<bos> y_1 … y_n`. With input feeding
///   (Luong et al. 2015) its input at step t is `[embed(y_{t−1}) ; õ_{t−1}]` (õ₀ = 0), so the
///   attention decisions made so far reach the next step; õ_{t−1} then travels with the state
///   as one more entry after the layers'.
/// * **Output**: õ_t = tanh(W_c [a_t ; s_t] + b_c) (W_c `[H, 2H]`; `[H, H]` on s_t alone for
///   `--attention none`), logits = W_o õ_t + b_o (W_o `[Vt, H]`).
///
/// Initialisation as PyTorch: embeddings N(0, 1) with the `<pad>` row zero, cells and linear
/// layers U(±1/√fan_in). The recipe's sizes (E = H = 256, 2,751/4,209 words) give 3,784,305
/// parameters with attention and 3,718,769 without, as in PyTorch.
public final class TranslationModel: ParameterOwner {
    public let sourceEmbedding: Embedding
    public let encoder: RecurrentStack
    public let targetEmbedding: Embedding
    public let decoder: RecurrentStack
    /// Embedding dropout while training (``Embedding/callAsFunction(_:shape:dropout:training:rng:)``).
    public var embeddingDropout: Float = 0
    /// `nil` for `--attention none`.
    public let attention: Attention?
    public let combine: Linear
    public let output: Linear
    /// Feed õ_{t−1} into the decoder's input (`--input-feeding`).
    public let inputFeeding: Bool

    public init(sourceVocabulary: Int, targetVocabulary: Int, embedding: Int, stack: StackConfig,
                attention kind: AttentionKind, inputFeeding: Bool = false, cells: Registry<CellDescriptor>,
                rng: inout RandomGenerator) throws {
        self.inputFeeding = inputFeeding
        sourceEmbedding = Embedding(vocabularySize: sourceVocabulary, width: embedding, rng: &rng)
        encoder = try RecurrentStack(stack, inputSize: embedding, registry: cells, rng: &rng)
        targetEmbedding = Embedding(vocabularySize: targetVocabulary, width: embedding, rng: &rng)
        var decoderStack = stack
        decoderStack.hiddenSize = stack.outputSize
        decoderStack.bidirectional = false
        decoder = try RecurrentStack(decoderStack, inputSize: embedding + (inputFeeding ? decoderStack.hiddenSize : 0),
                                     registry: cells, rng: &rng)
        let hidden = decoderStack.hiddenSize
        attention = kind.score.map { Attention(score: $0, querySize: hidden, rng: &rng) }
        combine = Linear(inputSize: kind == .none ? hidden : 2 * hidden, outputSize: hidden, rng: &rng)
        output = Linear(inputSize: hidden, outputSize: targetVocabulary, rng: &rng)
        for table in [sourceEmbedding.weight, targetEmbedding.weight] {
            let width = table.shape[1]
            table.updateValue { $0.update(repeating: 0, count: width) }
        }
    }

    public var hiddenSize: Int { decoder.config.hiddenSize }

    public var namedParameters: [NamedParameter] {
        sourceEmbedding.namedParameters(prefix: "encoder.embedding") + encoder.namedParameters(prefix: "encoder.rnn")
            + targetEmbedding.namedParameters(prefix: "decoder.embedding") + decoder.namedParameters(prefix: "decoder.rnn")
            + (attention?.namedParameters(prefix: "decoder.attention") ?? []) + combine.namedParameters(prefix: "decoder.combine")
            + output.namedParameters(prefix: "decoder.output")
    }

    /// What the decoder needs from the source: memory h `[B, S, H]`, the attention keys, the
    /// source mask `[B, S]` and the decoder's initial state.
    public struct Encoded {
        public let memory: Variable
        public let keys: Variable
        public let mask: Tensor
        public let state: [[Variable]]
    }

    /// Reads `source` `[S, B]` (time-major ids) with `mask` `[S, B]`.
    public func encode(_ source: [Int32], mask: Tensor, training: Bool, rng: inout RandomGenerator) -> Encoded {
        let (steps, batch) = (mask.shape[0], mask.shape[1])
        let embedded = sourceEmbedding(source, shape: [steps, batch], dropout: embeddingDropout, training: training, rng: &rng)
        let (outputs, final) = encoder(embedded, mask: mask, training: training, rng: &rng)
        let directions = encoder.config.directions
        let state: [[Variable]] = (0..<encoder.config.layers).map { layer in
            let parts = final[(layer * directions)..<((layer + 1) * directions)]
            return (0..<parts.first!.count).map { c in directions == 1 ? parts.first![c] : concat(parts.map { $0[c] }) }
        }
        let memory = outputs.permuted([1, 0, 2])
        let feed: [[Variable]] = inputFeeding ? [[Variable(Tensor(zeros: [batch, hiddenSize]))]] : []
        return Encoded(memory: memory, keys: attention?.keys(memory) ?? memory, mask: transposed(mask), state: state + feed)
    }

    /// Decoder logits `[B, T, Vt]`, attention weights `[B, T, S]` (nil without attention) and the
    /// decoder's state, for inputs `[T, B]` (time-major ids) from `state`.
    public func decode(_ inputs: [Int32], steps: Int, mask: Tensor?, state: [[Variable]], source: Encoded,
                       training: Bool, rng: inout RandomGenerator) -> (logits: Variable, weights: Variable?, state: [[Variable]]) {
        let batch = inputs.count / steps
        let embedded = targetEmbedding(inputs, shape: [steps, batch], dropout: embeddingDropout, training: training, rng: &rng)
        guard inputFeeding else {
            let (outputs, next) = decoder(embedded, initialState: state, mask: mask, training: training, rng: &rng)
            let (attentional, weights) = attend(outputs.permuted([1, 0, 2]), source: source)
            return (output(attentional), weights, next)
        }
        // Input feeding makes step t depend on õ_{t−1}: one decoder step at a time.
        var recurrent = Array(state.dropLast()), feed = state.last![0]
        var logits: [Variable] = [], weights: [Variable] = []
        for t in 0..<steps {
            let input = concat([embedded.select(t), feed]).reshaped([1, batch, embedded.shape[2] + hiddenSize])
            let stepMask = mask.map { Tensor(shape: [1, batch], scalars: Array($0.scalars[(t * batch)..<((t + 1) * batch)])) }
            let (outputs, next) = decoder(input, initialState: recurrent, mask: stepMask, training: training, rng: &rng)
            recurrent = next
            let (attentional, alpha) = attend(outputs.permuted([1, 0, 2]), source: source)
            feed = attentional.reshaped([batch, hiddenSize])
            logits.append(output(attentional))
            if let alpha { weights.append(alpha) }
        }
        return (concat(logits, axis: 1), weights.isEmpty ? nil : concat(weights, axis: 1), recurrent + [[feed]])
    }

    /// õ = tanh(W_c [a ; s] + b_c) `[B, T, H]` for decoder outputs s `[B, T, H]`, with the
    /// attention weights `[B, T, S]` (nil without attention).
    func attend(_ queries: Variable, source: Encoded) -> (Variable, Variable?) {
        guard let attention else { return (combine(queries).tanh(), nil) }
        let (context, alpha) = attention(queries: queries, keys: source.keys, memory: source.memory, mask: source.mask)
        return (combine(concat([context, queries])).tanh(), alpha)
    }

    private func transposed(_ mask: Tensor) -> Tensor {
        let (steps, batch) = (mask.shape[0], mask.shape[1])
        var out = [Float](repeating: 0, count: steps * batch)
        for t in 0..<steps { for b in 0..<batch { out[b * steps + t] = mask.scalars[t * batch + b] } }
        return Tensor(shape: [batch, steps], scalars: out)
    }
}
