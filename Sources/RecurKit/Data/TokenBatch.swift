

/// Variable-length sequences right-padded into one time-major batch.
///
/// `ids[t·B + b]` is token t of sequence b (`<pad>` past its end) and `mask` `[T, B]` is 1 on real
/// steps, so the cell stack freezes each sequence's state after its own last token.
public struct TokenBatch {
    public let ids: [Int32]
    public let mask: Tensor
    public let lengths: [Int]
    public let steps: Int
    public var batch: Int { lengths.count }

    /// Every sequence must hold at least one token.
    public init(_ sequences: [[Int32]]) {
        precondition(!sequences.isEmpty && sequences.allSatisfy { !$0.isEmpty }, "TokenBatch: empty batch or sequence")
        lengths = sequences.map(\.count)
        steps = lengths.max()!
        let batch = sequences.count
        var ids = [Int32](repeating: SpecialTokens.padUnknown.id(.pad), count: steps * batch)
        var mask = [Float](repeating: 0, count: steps * batch)
        for (b, sequence) in sequences.enumerated() {
            for (t, id) in sequence.enumerated() {
                ids[t * batch + b] = id
                mask[t * batch + b] = 1
            }
        }
        self.ids = ids
        self.mask = Tensor(shape: [steps, batch], scalars: mask)
    }
}
