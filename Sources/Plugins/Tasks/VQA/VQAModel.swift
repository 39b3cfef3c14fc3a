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
/// `--film true` puts ``FiLMStack`` residual blocks, modulated by v_Q, between the CNN and the
/// rest (parameters `film.…`): every answer's gradient then reaches "which channels fire on the
/// named objects" through γ and β, instead of only through attention weights that pooled
/// features make unnecessary for most question types. With `--attention none` the head then
/// reads `[v_Q ; max_i ReLU(conv1×1([f_i ; x_i ; y_i]))]` (FiLM's classifier: a max over the
/// grid keeps the one place a modulated channel fires; parameters `film.head.weight`
/// `[d, C + 2, 1, 1]`, `film.head.bias`).
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
///                                    (W_r v_Q)·(p_1 − p_2) ; s ; (W_d v_Q)·s] + b_1) + b_2)
///
/// The max is why: an exists question cannot be answered from one region's score unless the
/// score is high on that object alone (a mean over regions can answer it, which is why SAN's
/// attention never learnt to find), and view 1 names the same object in "is there a red circle"
/// as in "is the red circle left of the blue square", so exists (and count, through Σ σ)
/// questions teach the find that relation questions read positions from. Parameters
/// `find.words.weight` `[2, d]`, `find.words.bias`, `find.query.weight`, `find.key.weight`, `find.v.weight`,
/// `find.relation.…` and `find.direction.…` (`[2, d]`, `[2]`), `find.role.…` (`[1, d]`, `[1]`). `--finds true`
/// appends the same 12 features (without c_1, c_2) to the head of `--attention stacked` or `none`.
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
    let attention: VQAOptions.AttentionChoice
    let film: FiLMStack?
    let filmHead: (weight: Variable, bias: Variable)?

    init(questionVocabulary: Int, answers: Int, options: VQAOptions, stack: StackConfig, cells: Registry<CellDescriptor>,
         rng: inout RandomGenerator) throws {
        encoder = ConvEncoder(inputChannels: 3, channels: try ConvEncoder.parseChannels(options.conv), rng: &rng)
        attention = options.attention
        grid = encoder.outputSize(height: options.imageSize, width: options.imageSize)
        guard grid.height >= 1 && grid.width >= 1 else {
            throw TaskError("--image-size \(options.imageSize) is too small for the pooling blocks of --conv \(options.conv)")
        }
        embedding = Embedding(vocabularySize: questionVocabulary, width: options.embedding, rng: &rng)
        embedding.weight.updateValue { $0.update(repeating: 0, count: options.embedding) }
        rnn = try RecurrentStack(stack, inputSize: options.embedding, registry: cells, rng: &rng)
        let d = stack.outputSize
        if options.film {
            film = FiLMStack(channels: encoder.outputChannels, conditionSize: stack.outputSize, count: options.filmBlocks, rng: &rng)
            let bound = 1 / Float(encoder.outputChannels + 2).squareRoot()
            filmHead = options.attention == .none
                ? (parameter(rng.uniformTensor([stack.outputSize, encoder.outputChannels + 2, 1, 1], -bound, bound), "film.head.weight"),
                   parameter(rng.uniformTensor([stack.outputSize], -bound, bound), "film.head.bias"))
                : nil
        } else {
            (film, filmHead) = (nil, nil)
        }
        image = Linear(inputSize: encoder.outputChannels + 2, outputSize: d, rng: &rng)
        let k = options.attentionSize > 0 ? options.attentionSize : d
        hops = options.attention == .stacked
            ? (0..<options.hops).map { _ in Attention(score: .additive, querySize: d, memorySize: d, attentionSize: k, rng: &rng) }
            : []
        find = options.attention == .find || options.finds
            ? (Linear(inputSize: d, outputSize: 2, rng: &rng),
               Attention(score: .additive, querySize: options.embedding, memorySize: d, attentionSize: k, rng: &rng),
               Linear(inputSize: d, outputSize: 2, rng: &rng), Linear(inputSize: d, outputSize: 2, rng: &rng),
               Linear(inputSize: d, outputSize: 1, rng: &rng))
            : nil
        // find: [v_Q ; c_1 ; c_2] and 2 + 2 + 2 positions, 2 maxima, 2 counts.
        let headInput = options.attention == .find ? 3 * d + Self.findFeatures : (hops.isEmpty ? 2 : 1 + hops.count) * d + (find != nil ? Self.findFeatures + (hops.isEmpty ? 0 : 5 + 2 * Self.prefixSteps) : 0)
        hidden = Linear(inputSize: headInput, outputSize: d, rng: &rng)
        classifier = Linear(inputSize: d, outputSize: answers, rng: &rng)
    }

    var namedParameters: [NamedParameter] {
        encoder.namedParameters(prefix: "encoder") + embedding.namedParameters(prefix: "question.embedding")
            + rnn.namedParameters(prefix: "question.rnn") + (film?.namedParameters(prefix: "film") ?? [])
            + (filmHead.map { [("film.head.weight", $0.weight), ("film.head.bias", $0.bias)] } ?? []) + image.namedParameters(prefix: "image")
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
        var features = encoder(Variable(Tensor(batching: images)))
        if let film {
            features = film(features, condition: question)
            if let filmHead {
                let maps = Variable(coordinateMaps(batch: b, height: grid.height, width: grid.width))
                let fired = conv2d(concat([features, maps], axis: 1), weight: filmHead.weight, bias: filmHead.bias).relu()
                let pooled = maxPool2d(fired, kernel: max(grid.height, grid.width)).reshaped([b, fired.shape[1]])
                return (classifier(hidden(concat([question, pooled])).relu()), [])
            }
        }
        let c = features.shape[1]
        let flat = features.reshaped([b, c, grid.height * grid.width]).permuted([0, 2, 1])
        let regions = image(withCoordinates(flat, grid: grid)).tanh()
        let (l, d) = (regions.shape[1], regions.shape[2])
        let found = find.map { finds($0, question: question, words: embedded, outputs: outputs, lengths: questions.lengths, regions: regions) }
        if let found, hops.isEmpty, attention == .find {
            return (classifier(hidden(concat([question, found.contexts.reshaped([b, 2 * d]), found.features])).relu()), found.weights)
        }
        let extra = found.map { [$0.features] } ?? []
        guard !hops.isEmpty else {
            return (classifier(hidden(concat([question, regions.sum(axis: 1) * (1 / Float(l))] + extra)).relu()), found?.weights ?? [])
        }
        let mask = Tensor(shape: [b, l], repeating: 1)
        var prefix: [Variable] = []
        if let find {
            // Hop 1 queried by every prefix's state: "is the yellow circle" ends like "is there a
            // yellow circle", whose object hop 1 already finds; roles pick the prefixes that end
            // on the two objects and the direction reads the relation off the whole question.
            let t = outputs.shape[0]
            var wordMask = [Float](repeating: 0, count: b * t)
            for (i, length) in questions.lengths.enumerated() { for j in 0..<length { wordMask[i * t + j] = 1 } }
            let (_, alphas) = hops[0](queries: outputs.permuted([1, 0, 2]), memory: regions, mask: mask)   // [B, T, L]
            let places = matmul(alphas, Variable(Self.centres(batch: b, grid: grid)))                       // [B, T, 2]
            let roles = find.role(outputs).permuted([1, 0, 2]) * Variable(Tensor(shape: [b, t, 1], scalars: wordMask))
            let signed = (roles * places).sum(axis: 1)                                                       // [B, 2]
            let last = places.slice(axis: 1, start: t - 1, length: 1).reshaped([b, 2])
            // Every prefix's place by word index (padded or cut to prefixSteps): the head can read
            // "the place after word 4" and "after the last word" without learning roles first.
            let kept = min(t, Self.prefixSteps)
            var byIndex = places.slice(axis: 1, start: 0, length: kept) * Variable(Tensor(shape: [b, kept, 1], scalars: (0..<b).flatMap { i in wordMask[(i * t)..<(i * t + kept)] }))
            if kept < Self.prefixSteps { byIndex = concat([byIndex, Variable(Tensor(zeros: [b, Self.prefixSteps - kept, 2]))], axis: 1) }
            prefix = [signed, last, (find.direction(question) * signed).sum(axis: 1).reshaped([b, 1]), byIndex.reshaped([b, 2 * Self.prefixSteps])]
        }
        var u = question, weights: [Tensor] = [], contexts: [Variable] = []
        for hop in hops {
            let (context, alpha) = hop(queries: u.reshaped([b, 1, d]), memory: regions, mask: mask)
            contexts.append(context.reshaped([b, d]))
            u = contexts.last! + u
            weights.append(alpha.value.reshaped([b, l]))
        }
        return (classifier(hidden(concat([u] + contexts + extra + prefix)).relu()), weights + (found?.weights ?? []))
    }

    /// The two finds over regions `[B, L, d]`: features `[B, 12]` (``findFeatures``), contexts `[B, 2, d]`
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
        if t >= 2 {
            let pairScores = wordScores.slice(axis: 1, start: 0, length: t - 1) + wordScores.slice(axis: 1, start: 1, length: t - 1)
            let pairPositions = matmul(softmax(pairScores), centres)                                  // [B, T − 1, 2]
            var pairMask = [Float](repeating: 0, count: b * (t - 1))
            for (i, length) in lengths.enumerated() { for j in 0..<max(length - 1, 0) { pairMask[i * (t - 1) + j] = 1 } }
            let roles = find.role(outputs.slice(axis: 0, start: 1, length: t - 1)).permuted([1, 0, 2])   // [B, T − 1, 1]
                * Variable(Tensor(shape: [b, t - 1, 1], scalars: pairMask))
            signed = (roles * pairPositions).sum(axis: 1)                                            // [B, 2]
        }
        let wordRelation = (find.direction(question) * signed).sum(axis: 1).reshaped([b, 1])
        // Only view 1's maximum and count: questions about one object then train view 1 to be
        // the object named first, which is what relation questions read p_1 as.
        let features = concat([p, offset, maxima.reshaped([b, 2]).slice(axis: 1, start: 0, length: 1),
                               counts.slice(axis: 1, start: 0, length: 1), relation, signed, wordRelation])
        return (features, contexts,
                (0..<2).map { Tensor(shape: [b, l], scalars: alpha.slice(axis: 1, start: $0, length: 1).value.scalars) })
    }

    /// p_1, p_2, p_1 − p_2, view 1's maximum and count, the views' relation score, Σ_t r_t p_t and its relation score.
    static let findFeatures = 12
    static let prefixSteps = 12

    /// Region centres `[B, L, 2]`, (x, y) in [−1, 1] as ``withCoordinates(_:grid:)`` tags them.
    static func centres(batch: Int, grid: (height: Int, width: Int)) -> Tensor {
        let maps = coordinateMaps(batch: 1, height: grid.height, width: grid.width).scalars
        let l = grid.height * grid.width
        let one = (0..<l).flatMap { [maps[$0], maps[l + $0]] }
        return Tensor(shape: [batch, l, 2], scalars: Array([[Float]](repeating: one, count: batch).joined()))
    }
}
