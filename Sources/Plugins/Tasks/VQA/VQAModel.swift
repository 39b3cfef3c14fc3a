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
///
/// `--attention find` replaces the hops by two *finds* (Andreas et al. 2016's find module, made
/// supervisable): view k ∈ {1, 2} of the question is an attention over its words (scores from
/// the encoder's outputs, values the words' embeddings, so a view is "red circle" and not a
/// summary of the question), and
///
///     M_{t,i} = vᵀ tanh(W e_t + U v_i)   each word t found alone      [B, T, L]
///     m^k_i = Σ_t a^k_t M_{t,i}           view k, a^k its word weights  [B, L] per view
///     α^k = softmax_i(m^k),  p_k = Σ_i α^k_i (x_i, y_i),  c_k = Σ_i α^k_i v_i
///     s = Σ_t r(h_{t+1}) · p_{t,t+1}      p_{t,t+1} under softmax_i(M_{t,i} + M_{t+1,i})
///     answer = softmax(W_2 relu(W_1 [v_Q ; c_1 ; c_2 ; p_1 ; p_2 ; p_1 − p_2 ; max_i m^1_i ; Σ_i σ(m^1_i) ;
///                                    (W_r v_Q)·(p_1 − p_2) ; s ; (W_d v_Q)·s ; p_{0,1} ; … ; p_{10,11}] + b_1) + b_2)
///
/// The max is why finding is learnt: an exists question cannot be answered from one region's
/// score unless the score is high on that object alone (a mean over regions can answer it, which
/// is why SAN's attention never learnt to find), so exists and count questions train the word
/// maps M. Adjacent words found together ("yellow circle": M_yellow + M_circle) then place every
/// named object of a relation question, and the places of the first 11 word pairs go to the head
/// by word index, so it reads "the pair at words 3–4" against "the last pair" with plain weights
/// (relation 97.6% at step 2,000); the views' p_1, p_2 and the roles r alone stayed at chance,
/// since which words a relation question's views or roles should take only relation questions
/// teach, and that product of unknowns did not start in 2,000 steps (docs/vision-tasks.md). Parameters
/// `find.words.weight` `[2, d]`, `find.words.bias`, `find.query.weight`, `find.key.weight`, `find.v.weight`,
/// `find.relation.…` and `find.direction.…` (`[2, d]`, `[2]`), `find.role.…` (`[1, d]`, `[1]`).
final class VQAModel: ParameterOwner {
    let encoder: ConvEncoder
    let embedding: Embedding
    let rnn: RecurrentStack
    let image: Linear
    let hops: [Attention]
    let find: (words: Linear, match: Attention, relation: Linear, direction: Linear, role: Linear)?
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
        find = options.attention == .find
            ? (Linear(inputSize: d, outputSize: 2, rng: &rng),
               Attention(score: .additive, querySize: options.embedding, memorySize: d, attentionSize: k, rng: &rng),
               Linear(inputSize: d, outputSize: 2, rng: &rng), Linear(inputSize: d, outputSize: 2, rng: &rng),
               Linear(inputSize: d, outputSize: 1, rng: &rng))
            : nil
        let headInput = find != nil ? 3 * d + Self.findFeatures : (hops.isEmpty ? 2 : 1 + hops.count) * d
        hidden = Linear(inputSize: headInput, outputSize: d, rng: &rng)
        classifier = Linear(inputSize: d, outputSize: answers, rng: &rng)
    }

    var namedParameters: [NamedParameter] {
        encoder.namedParameters(prefix: "encoder") + embedding.namedParameters(prefix: "question.embedding")
            + rnn.namedParameters(prefix: "question.rnn") + image.namedParameters(prefix: "image")
            + hops.enumerated().flatMap { $1.namedParameters(prefix: "hops.\($0)") }
            + (find.map { $0.words.namedParameters(prefix: "find.words") + $0.match.namedParameters(prefix: "find")
                + $0.relation.namedParameters(prefix: "find.relation") + $0.direction.namedParameters(prefix: "find.direction")
                + $0.role.namedParameters(prefix: "find.role") } ?? []) + hidden.namedParameters(prefix: "classifier.0")
            + classifier.namedParameters(prefix: "classifier.2")
    }

    /// Answer logits `[B, A]` and each hop's attention over the regions, `[B, L]` per hop.
    func callAsFunction(_ questions: TokenBatch, images: [Image], training: Bool,
                        rng: inout RandomGenerator) -> (logits: Variable, hops: [Tensor]) {
        let b = questions.batch
        let embedded = embedding(questions.ids, shape: [questions.steps, b])
        let (outputs, states) = rnn(embedded, mask: questions.mask, training: training, rng: &rng)
        // h of the top layer's directions (PyTorch's h_n order), after each question's own last word.
        let top = states.suffix(rnn.config.directions).map { $0[0] }
        let question = top.count == 1 ? top[0] : concat(top)
        let features = encoder(Variable(Tensor(batching: images)))
        let c = features.shape[1]
        let flat = features.reshaped([b, c, grid.height * grid.width]).permuted([0, 2, 1])
        let regions = image(withCoordinates(flat, grid: grid)).tanh()
        let (l, d) = (regions.shape[1], regions.shape[2])
        if let find {
            let found = finds(find, question: question, words: embedded, outputs: outputs, lengths: questions.lengths, regions: regions)
            return (classifier(hidden(concat([question, found.contexts.reshaped([b, 2 * d]), found.features])).relu()), found.weights)
        }
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

    /// The two finds over regions `[B, L, d]`: features `[B, 34]` (``findFeatures``), contexts `[B, 2, d]`
    /// and each view's α `[B, L]`.
    private func finds(_ find: (words: Linear, match: Attention, relation: Linear, direction: Linear, role: Linear), question: Variable, words embedded: Variable, outputs: Variable,
                       lengths: [Int], regions: Variable) -> (features: Variable, contexts: Variable, weights: [Tensor]) {
        let (b, l, t) = (regions.shape[0], regions.shape[1], embedded.shape[0])
        var wordMask = [Float](repeating: 0, count: b * t)
        for (i, length) in lengths.enumerated() { for j in 0..<length { wordMask[i * t + j] = 1 } }
        let words = Tensor(shape: [b, t], scalars: wordMask)
        // [T, B, 2] → [B, 2, T]: each view's weights over the question's own words.
        let viewWeights = maskedSoftmax(find.words(outputs).permuted([1, 2, 0]), mask: words)
        // Each word is found on its own ("red" lights red objects, "circle" circles) and a view's
        // score is its words' scores summed, so "red circle" is a conjunction that one max can test.
        let wordScores = find.match.scores(queries: embedded.permuted([1, 0, 2]), keys: find.match.keys(regions))   // [B, T, L]
        let scores = matmul(viewWeights, wordScores)                                              // [B, 2, L]
        let alpha = softmax(scores)
        let contexts = matmul(alpha, regions)                                                     // [B, 2, d]
        let centres = Variable(Self.centres(batch: b, grid: grid))
        let positions = matmul(alpha, centres)                                                    // [B, 2, 2]
        let maxima = maxPool2d(scores.reshaped([b, 2, grid.height, grid.width]), kernel: max(grid.height, grid.width))
        let counts = scores.sigmoid().sum(axis: 2)
        let p = positions.reshaped([b, 4])
        let offset = p.slice(axis: 1, start: 0, length: 2) - p.slice(axis: 1, start: 2, length: 2)
        // (W v_Q)·(p_1 − p_2): "left of" is one direction of the offset, and a product is what a
        // ReLU layer would have to learn before any gradient told the finds where to look.
        let relation = (find.relation(question) * offset).sum(axis: 1).reshaped([b, 1])
        // Each pair of adjacent words found together ("yellow circle": the sum of their maps, a
        // conjunction), its position weighted by a role r_t read from the encoder at the pair's
        // second word ("is the yellow circle" → −1, "… above the blue triangle" → +1, anything else
        // → 0), so Σ_t r_t p_t can be p_B − p_A without views having to learn which words to mix;
        // (W_dir v_Q)·that is a relation score (the relation word only the whole question knows).
        var signed = Variable(Tensor(zeros: [b, 2]))
        var byIndex = Variable(Tensor(zeros: [b, Self.pairSlots, 2]))
        if t >= 2 {
            let pairScores = wordScores.slice(axis: 1, start: 0, length: t - 1) + wordScores.slice(axis: 1, start: 1, length: t - 1)
            let pairPositions = matmul(softmax(pairScores), centres)                                  // [B, T − 1, 2]
            var pairMask = [Float](repeating: 0, count: b * (t - 1))
            for (i, length) in lengths.enumerated() { for j in 0..<max(length - 1, 0) { pairMask[i * (t - 1) + j] = 1 } }
            let roles = find.role(outputs.slice(axis: 0, start: 1, length: t - 1)).permuted([1, 0, 2])   // [B, T − 1, 1]
                * Variable(Tensor(shape: [b, t - 1, 1], scalars: pairMask))
            signed = (roles * pairPositions).sum(axis: 1)                                            // [B, 2]
            // Each pair's place by word index (the first pairSlots pairs), so the head can read
            // "the pair at words 3–4" and "the last pair" without learning roles first.
            let kept = min(t - 1, Self.pairSlots)
            byIndex = (pairPositions * Variable(Tensor(shape: [b, t - 1, 1], scalars: pairMask))).slice(axis: 1, start: 0, length: kept)
            if kept < Self.pairSlots { byIndex = concat([byIndex, Variable(Tensor(zeros: [b, Self.pairSlots - kept, 2]))], axis: 1) }
        }
        let wordRelation = (find.direction(question) * signed).sum(axis: 1).reshaped([b, 1])
        // Only view 1's maximum and count: questions about one object then train view 1 to be
        // the object named first, which is what relation questions read p_1 as.
        let features = concat([p, offset, maxima.reshaped([b, 2]).slice(axis: 1, start: 0, length: 1),
                               counts.slice(axis: 1, start: 0, length: 1), relation, signed, wordRelation,
                               byIndex.reshaped([b, 2 * Self.pairSlots])])
        return (features, contexts,
                (0..<2).map { Tensor(shape: [b, l], scalars: alpha.slice(axis: 1, start: $0, length: 1).value.scalars) })
    }

    /// p_1, p_2, p_1 − p_2, view 1's maximum and count, the views' relation score, Σ_t r_t p_t and its relation score.
    static let findFeatures = 12 + 2 * pairSlots
    static let pairSlots = 11

    /// Region centres `[B, L, 2]`, (x, y) in [−1, 1] as ``withCoordinates(_:grid:)`` tags them.
    static func centres(batch: Int, grid: (height: Int, width: Int)) -> Tensor {
        func scaled(_ i: Int, _ n: Int) -> Float { n > 1 ? 2 * Float(i) / Float(n - 1) - 1 : 0 }
        let one = (0..<(grid.height * grid.width)).flatMap { [scaled($0 % grid.width, grid.width), scaled($0 / grid.width, grid.height)] }
        return Tensor(shape: [batch, grid.height * grid.width, 2], scalars: Array([[Float]](repeating: one, count: batch).joined()))
    }
}
