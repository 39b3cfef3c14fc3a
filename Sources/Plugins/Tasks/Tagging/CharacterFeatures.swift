import RecurKit

/// Character-level word features (Lample et al. 2016): each word's characters → a character
/// embedding → a bidirectional LSTM from the registry → `[h_fwd(last) ; h_bwd(first)]`, so a word
/// never seen in training still says how it is spelled (suffixes, capitals inside, digits).
///
/// Shapes: N words of at most M characters, time-major `[M, N]` ids with a mask → `[N, 2·Hc]`;
/// scattered back to the sentence batch as `[T, B, 2·Hc]` (zeros at padding). Parameters:
/// `chars.embedding.weight`, `chars.rnn.weight_ih_l0`, …, `chars.rnn.weight_hh_l0_reverse`, ….
public final class CharacterFeatures: ParameterOwner {
    public let embedding: Embedding
    public let rnn: RecurrentStack

    public init(characters: Int, embedding width: Int, hidden: Int, cells: Registry<CellDescriptor>,
                rng: inout RandomGenerator) throws {
        embedding = Embedding(vocabularySize: characters, width: width, rng: &rng)
        embedding.weight.updateValue { for j in 0..<width { $0[j] = 0 } }
        rnn = try RecurrentStack(StackConfig(cell: "lstm", hiddenSize: hidden, bidirectional: true), inputSize: width,
                                 registry: cells, rng: &rng)
    }

    public var width: Int { rnn.config.outputSize }

    public var namedParameters: [NamedParameter] {
        embedding.namedParameters(prefix: "chars.embedding") + rnn.namedParameters(prefix: "chars.rnn")
    }

    /// Features `[T, B, 2·Hc]` for sentences given as, per sentence, per word, its character ids.
    public func callAsFunction(_ sentences: [[[Int32]]], steps: Int, training: Bool, rng: inout RandomGenerator) -> Variable {
        let batch = sentences.count
        var words: [[Int32]] = []
        var slot = [Int32](repeating: 0, count: steps * batch)   // 0: padding → a zero row
        for (b, sentence) in sentences.enumerated() {
            for (t, word) in sentence.enumerated() {
                words.append(word.isEmpty ? [0] : word)
                slot[t * batch + b] = Int32(words.count)
            }
        }
        guard !words.isEmpty else { return Variable(Tensor(zeros: [steps, batch, width])) }
        let longest = words.map(\.count).max()!, n = words.count
        var ids = [Int32](repeating: 0, count: longest * n), mask = [Float](repeating: 0, count: longest * n)
        for (w, word) in words.enumerated() {
            for (c, id) in word.enumerated() { ids[c * n + w] = id; mask[c * n + w] = 1 }
        }
        let (_, state) = rnn(embedding(ids, shape: [longest, n]), mask: Tensor(shape: [longest, n], scalars: mask),
                             training: training, rng: &rng)
        // The driver leaves each direction's state at the word's own last valid character.
        let perWord = concat([state[0][0], state[1][0]])
        let table = concat([Variable(Tensor(zeros: [1, width])), perWord], axis: 0)
        return RecurCore.embedding(table, ids: slot, shape: [steps, batch])
    }
}
