/// A word-by-word decoder that looks at a set of feature vectors while it writes — image regions
/// for captioning, encoded frames for video — after "Show, Attend and Tell" (Xu et al. 2015):
///
///     h₀ = tanh(W_init ā + b_init)            ā = mean_i a_i (per layer; other state tensors 0)
///     α_t = softmax_i(vᵀ tanh(W h_{t−1} + U a_i))      additive attention over the L vectors
///     β_t = σ(w_β · h_{t−1} + b_β)            the gating scalar (Xu et al. §4.2.1)
///     z_t = β_t Σ_i α_ti a_i
///     h_t = cell([E y_{t−1} ; z_t], state_{t−1})     any registered cell stack
///     logits_t = W_o h_t + b_o
///
/// With attention off (`--attention none`), z_t = ā at every step (no α, no β): the
/// mean-feature baseline. h_{t−1} is the top layer's output.
///
/// Shapes: memory a `[B, L, D]`; tokens `[B]` per step; logits `[B, V]`, α `[B, L]`.
/// Parameters: `embedding.weight` `[V, E]`, `init.weight` `[layers·H, D]`, `init.bias`,
/// `attention.query.weight` `[A, H]`, `attention.key.weight` `[A, D]`, `attention.v.weight`
/// `[1, A]`, `beta.weight` `[1, H]`, `beta.bias`, `rnn.…` (PyTorch's names for the stack),
/// `output.weight` `[V, H]`, `output.bias`. Initialised as PyTorch's layers (embedding N(0, 1)
/// with a zero `<pad>` row, the rest U(±1/√fan_in)).
public final class CaptionDecoder: ParameterOwner {
    public let embedding: Embedding
    public let initial: Linear
    public let attention: Attention?
    public let beta: Linear?
    public let rnn: RecurrentStack
    public let output: Linear
    /// Width D of each memory vector.
    public let memorySize: Int

    /// `stack` must be unidirectional (a decoder reads left to right).
    public init(vocabularySize: Int, embedding width: Int, memorySize: Int, attention: Bool, attentionSize: Int,
                gate: Bool, stack: StackConfig, cells: Registry<CellDescriptor>, rng: inout RandomGenerator) throws {
        guard !stack.bidirectional else { throw TaskError("a caption decoder writes left to right: --bidirectional does not apply") }
        self.memorySize = memorySize
        embedding = Embedding(vocabularySize: vocabularySize, width: width, rng: &rng)
        embedding.weight.updateValue { $0.update(repeating: 0, count: width) }
        initial = Linear(inputSize: memorySize, outputSize: stack.hiddenSize * stack.layers, rng: &rng)
        self.attention = attention
            ? Attention(score: .additive, querySize: stack.hiddenSize, memorySize: memorySize, attentionSize: attentionSize, rng: &rng)
            : nil
        beta = attention && gate ? Linear(inputSize: stack.hiddenSize, outputSize: 1, rng: &rng) : nil
        rnn = try RecurrentStack(stack, inputSize: width + memorySize, registry: cells, rng: &rng)
        output = Linear(inputSize: stack.hiddenSize, outputSize: vocabularySize, rng: &rng)
    }

    public var namedParameters: [NamedParameter] {
        embedding.namedParameters(prefix: "embedding") + initial.namedParameters(prefix: "init")
            + (attention?.namedParameters(prefix: "attention") ?? []) + (beta?.namedParameters(prefix: "beta") ?? [])
            + rnn.namedParameters(prefix: "rnn") + output.namedParameters(prefix: "output")
    }

    /// What every step reads: the memory `[B, L, D]`, its attention keys U a `[B, L, A]`, its
    /// mean over the real positions `[B, D]` and the mask `[B, L]` (1 = a real position).
    public struct Memory {
        public let vectors: Variable
        public let keys: Variable
        public let mean: Variable
        public let mask: Tensor

        public var batch: Int { vectors.shape[0] }
        public var count: Int { vectors.shape[1] }
    }

    /// `mask` `[B, L]` marks the real vectors of memories of different lengths (padded clips);
    /// nil: all are real.
    public func memory(_ vectors: Variable, mask: Tensor? = nil) -> Memory {
        precondition(vectors.value.rank == 3 && vectors.shape[2] == memorySize,
                     "CaptionDecoder: memory must be [B, L, \(memorySize)], got \(vectors.shape)")
        let (b, l) = (vectors.shape[0], vectors.shape[1])
        let mask = mask ?? Tensor(shape: [b, l], repeating: 1)
        precondition(mask.shape == [b, l], "CaptionDecoder: mask \(mask.shape) for memory \(vectors.shape)")
        let weights = (0..<b).flatMap { row -> [Float] in
            let real = mask.scalars[(row * l)..<((row + 1) * l)]
            let n = max(real.reduce(0, +), 1)
            return real.map { $0 / n }
        }
        // Padded positions hold zeros after the encoder's mask, but weigh them out regardless.
        let mean = (vectors * Variable(Tensor(shape: [b, l, 1], scalars: weights))).sum(axis: 1)
        return Memory(vectors: vectors, keys: attention?.keys(vectors) ?? vectors, mean: mean, mask: mask)
    }

    /// The state before the first word: h₀ of every layer from the mean vector.
    public func initialState(_ memory: Memory) -> [[Variable]] {
        let h = initial(memory.mean).tanh().split(sizes: Array(repeating: rnn.config.hiddenSize, count: rnn.cells.count))
        return rnn.cells.indices.map { i in [h[i]] + rnn.cells[i].zeroState(batch: memory.batch).dropFirst() }
    }

    /// One step from `tokens` (y_{t−1}, `[B]`): logits `[B, V]`, α `[B, L]` (nil without
    /// attention) and the next state.
    public func step(_ tokens: [Int32], state: [[Variable]], memory: Memory, training: Bool,
                     rng: inout RandomGenerator) -> (logits: Variable, alpha: Variable?, state: [[Variable]]) {
        let b = tokens.count
        let embedded = embedding(tokens, shape: [b])
        var context = memory.mean, alpha: Variable?
        if let attention {
            let query = state[state.count - 1][0]
            let (attended, weights) = attention(queries: query.reshaped([b, 1, query.shape[1]]), keys: memory.keys,
                                                memory: memory.vectors, mask: memory.mask)
            context = attended.reshaped([b, memorySize])
            alpha = weights.reshaped([b, memory.count])
            if let beta { context = beta(query).sigmoid() * context }
        }
        let input = concat([embedded, context]).reshaped([1, b, embedded.shape[1] + memorySize])
        let (outputs, next) = rnn(input, initialState: state, training: training, rng: &rng)
        return (output(outputs.reshaped([b, rnn.config.hiddenSize])), alpha, next)
    }

    /// Teacher forcing over `inputs` `[T, B]` (time-major: `<bos>` then the caption): logits
    /// `[B, T, V]` and α `[B, T, L]` (nil without attention).
    public func teacherForced(_ inputs: [Int32], steps: Int, memory: Memory, training: Bool,
                              rng: inout RandomGenerator) -> (logits: Variable, alphas: Variable?) {
        let b = inputs.count / steps
        var state = initialState(memory)
        var logits: [Variable] = [], alphas: [Variable] = []
        for t in 0..<steps {
            let (step, alpha, next) = self.step(Array(inputs[(t * b)..<((t + 1) * b)]), state: state, memory: memory,
                                                training: training, rng: &rng)
            logits.append(step.reshaped([b, 1, step.shape[1]]))
            if let alpha { alphas.append(alpha.reshaped([b, 1, memory.count])) }
            state = next
        }
        return (concat(logits, axis: 1), alphas.isEmpty ? nil : concat(alphas, axis: 1))
    }

    /// Xu et al.'s doubly stochastic penalty: mean over the batch and the L vectors of
    /// (1 − Σ_t α_ti)², where t runs over each caption's real steps (`mask` `[B, T]`, 1 = real):
    /// it pushes the decoder to look at every region about once over a caption.
    public static func attentionPenalty(_ alphas: Variable, mask: Tensor) -> Variable {
        let (b, t, l) = (alphas.shape[0], alphas.shape[1], alphas.shape[2])
        let covered = (alphas * Variable(Tensor(shape: [b, t, 1], scalars: mask.scalars))).sum(axis: 1)
        let gap = 1 - covered
        return (gap * gap).sum() * (1 / Float(b * l))
    }
}
