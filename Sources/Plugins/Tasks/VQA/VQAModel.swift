import RecurKit

/// Visual question answering with a stacked attention network (Yang et al. 2016):
///
///     v_Q = the question encoder's final state                  [B, d]  (d = the stack's output width)
///     v_I = tanh(W_I a_i + b_I)  for the L CNN regions a_i, each with its x and y    [B, L, d]
///     hop k: p^k = softmax_i(vᵀ tanh(W u^{k−1} + U v_i)),  ṽ^k = Σ_i p^k_i v_i,  u^k = ṽ^k + u^{k−1},  u^0 = v_Q
///     answer = softmax(W_2 relu(W_1 [u^K ; ṽ^1 ; … ; ṽ^K] + b_1) + b_2)
///
/// Two changes to SAN's answer layer (softmax(W_u u^K)): each hop's context also reaches it on
/// its own, because the sum u^K forgets which object a hop found ("is the red circle left of
/// the blue square" needs both places, in order), and a hidden ReLU layer of width d lets it
/// compare what was found with what was asked ("is there a red circle"), which a linear readout
/// of a sum cannot. With `--attention none` the same head reads `[v_Q ; mean_i v_i]` (the
/// baseline without attention). Parameters: `encoder.conv.…`, `question.embedding.weight`,
/// `question.rnn.…`, `image.weight`, `image.bias`, `hops.{k}.query.weight`/`key.weight`/`v.weight`,
/// `classifier.0.weight`/`bias`, `classifier.2.weight`/`bias` (an `nn.Sequential` of Linear, ReLU, Linear).
final class VQAModel: ParameterOwner {
    let encoder: ConvEncoder
    let embedding: Embedding
    let rnn: RecurrentStack
    let image: Linear
    let hops: [Attention]
    let hidden: Linear
    let classifier: Linear
    let grid: (height: Int, width: Int)

    init(questionVocabulary: Int, answers: Int, options: VQAOptions, stack: StackConfig, cells: Registry<CellDescriptor>,
         rng: inout RandomGenerator) throws {
        encoder = ConvEncoder(inputChannels: 3, channels: try ConvEncoder.parseChannels(options.conv), rng: &rng)
        grid = encoder.outputSize(height: options.imageSize, width: options.imageSize)
        guard grid.height >= 1 && grid.width >= 1 else {
            throw TaskError("--image-size \(options.imageSize) is too small for the pooling blocks of --conv \(options.conv)")
        }
        embedding = Embedding(vocabularySize: questionVocabulary, width: options.embedding, rng: &rng)
        embedding.weight.updateValue { $0.update(repeating: 0, count: options.embedding) }
        rnn = try RecurrentStack(stack, inputSize: options.embedding, registry: cells, rng: &rng)
        let d = stack.outputSize
        image = Linear(inputSize: encoder.outputChannels + 2, outputSize: d, rng: &rng)
        let k = options.attentionSize > 0 ? options.attentionSize : d
        hops = options.attention == .stacked
            ? (0..<options.hops).map { _ in Attention(score: .additive, querySize: d, memorySize: d, attentionSize: k, rng: &rng) }
            : []
        hidden = Linear(inputSize: (hops.isEmpty ? 2 : 1 + hops.count) * d, outputSize: d, rng: &rng)
        classifier = Linear(inputSize: d, outputSize: answers, rng: &rng)
    }

    var namedParameters: [NamedParameter] {
        encoder.namedParameters(prefix: "encoder") + embedding.namedParameters(prefix: "question.embedding")
            + rnn.namedParameters(prefix: "question.rnn") + image.namedParameters(prefix: "image")
            + hops.enumerated().flatMap { $1.namedParameters(prefix: "hops.\($0)") } + hidden.namedParameters(prefix: "classifier.0")
            + classifier.namedParameters(prefix: "classifier.2")
    }

    /// Answer logits `[B, A]` and each hop's attention over the regions, `[B, L]` per hop.
    func callAsFunction(_ questions: TokenBatch, images: [Image], training: Bool,
                        rng: inout RandomGenerator) -> (logits: Variable, hops: [Tensor]) {
        let b = questions.batch
        let embedded = embedding(questions.ids, shape: [questions.steps, b])
        let (_, states) = rnn(embedded, mask: questions.mask, training: training, rng: &rng)
        // h of the top layer's directions (PyTorch's h_n order), after each question's own last word.
        let top = states.suffix(rnn.config.directions).map { $0[0] }
        let question = top.count == 1 ? top[0] : concat(top)
        let regions = image(withCoordinates(encoder.regions(Variable(Tensor(batching: images))), grid: grid)).tanh()
        let (l, d) = (regions.shape[1], regions.shape[2])
        guard !hops.isEmpty else {
            return (classifier(hidden(concat([question, regions.sum(axis: 1) * (1 / Float(l))])).relu()), [])
        }
        let mask = Tensor(shape: [b, l], repeating: 1)
        var u = question, weights: [Tensor] = [], contexts: [Variable] = []
        for hop in hops {
            let (context, alpha) = hop(queries: u.reshaped([b, 1, d]), memory: regions, mask: mask)
            contexts.append(context.reshaped([b, d]))
            u = contexts.last! + u
            weights.append(alpha.value.reshaped([b, l]))
        }
        return (classifier(hidden(concat([u] + contexts)).relu()), weights)
    }
}
