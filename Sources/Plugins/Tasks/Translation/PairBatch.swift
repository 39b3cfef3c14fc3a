import RecurKit

/// A padded batch of B encoded pairs, laid out for the model:
///
/// * `source` `[S, B]` time-major: source ids + `<eos>`, padded with `<pad>`; `sourceMask` `[S, B]`
///   (1 = real step), `sourceLengths` `[B]` (with the `<eos>`).
/// * `decoderInput` `[T, B]` time-major: `<bos>` + target ids; `decoderMask` `[T, B]`.
/// * `targets` `[B, T]` batch-major (the layout of the logits): target ids + `<eos>`, `<pad>`
///   where the loss must not look.
public struct PairBatch {
    public let batch: Int, sourceSteps: Int, targetSteps: Int
    public let source: [Int32]
    public let sourceMask: Tensor
    public let sourceLengths: [Int]
    public let decoderInput: [Int32]
    public let decoderMask: Tensor
    public let targets: [Int32]

    public init(sources: [[Int32]], targets goldTargets: [[Int32]]) {
        precondition(!sources.isEmpty && sources.count == goldTargets.count, "PairBatch: \(sources.count) sources, \(goldTargets.count) targets")
        let b = sources.count
        batch = b
        sourceLengths = sources.map { $0.count + 1 }
        sourceSteps = sourceLengths.max()!
        targetSteps = goldTargets.map { $0.count + 1 }.max()!
        let pad = SpecialTokens.sequence.id(.pad)
        var source = [Int32](repeating: pad, count: sourceSteps * b)
        var sourceMask = [Float](repeating: 0, count: sourceSteps * b)
        var input = [Int32](repeating: pad, count: targetSteps * b)
        var decoderMask = [Float](repeating: 0, count: targetSteps * b)
        var targets = [Int32](repeating: pad, count: b * targetSteps)
        for i in 0..<b {
            for (t, id) in (sources[i] + [SpecialTokens.sequence.id(.eos)]).enumerated() {
                source[t * b + i] = id
                sourceMask[t * b + i] = 1
            }
            for (t, id) in ([SpecialTokens.sequence.id(.bos)] + goldTargets[i]).enumerated() {
                input[t * b + i] = id
                decoderMask[t * b + i] = 1
            }
            for (t, id) in (goldTargets[i] + [SpecialTokens.sequence.id(.eos)]).enumerated() { targets[i * targetSteps + t] = id }
        }
        self.source = source
        self.sourceMask = Tensor(shape: [sourceSteps, b], scalars: sourceMask)
        self.decoderInput = input
        self.decoderMask = Tensor(shape: [targetSteps, b], scalars: decoderMask)
        self.targets = targets
    }

    /// Target tokens the loss counts (each sentence's tokens and its `<eos>`).
    public var targetTokenCount: Int {
        let pad = SpecialTokens.sequence.id(.pad)
        return targets.filter { $0 != pad }.count
    }
}
