import RecurKit

extension LanguageModel {
    /// The mean cross-entropy of training step `step` over `shard`'s rows of the stream's batch
    /// k = step mod batchesPerEpoch, starting from `carried` (dropped at k = 0, where every row
    /// jumps back to its start) and leaving the new state in it, detached (truncated BPTT);
    /// `labelSmoothing` as `--label-smoothing`.
    func trainingLoss(_ stream: CharStream, step: Int, shard: BatchShard, carried: inout [[Variable]]?,
                      labelSmoothing: Float = 0, rng: inout RandomGenerator) -> (loss: Variable, items: Int) {
        let k = step % stream.batchesPerEpoch
        if k == 0 { carried = nil }
        let (whole, wholeTargets) = stream.batch(k)
        let inputs = shard.columns(of: whole, steps: stream.steps), targets = shard.columns(of: wholeTargets, steps: stream.steps)
        let (logits, state) = self(inputs, steps: stream.steps, batch: shard.rows.count, state: carried, training: true, rng: &rng)
        carried = state.map { $0.map { $0.detached() } }
        return (crossEntropy(logits: logits, targets: targets, labelSmoothing: labelSmoothing), inputs.count)
    }

    /// Mean cross-entropy in nats of predicting `ids[i + 1]` from `ids[...i]`, over all
    /// `ids.count − 1` pairs: the stream is read with batch 1 in chunks of `chunk` inputs (the
    /// last may be shorter), the state carried across chunks, so this equals one pass over the
    /// whole stream (the "carried" figure of docs/recipes.md). No dropout.
    func meanCrossEntropy(ofStream ids: [Int32], chunk: Int) throws -> Double {
        guard ids.count >= 2 else { throw TaskError("need at least 2 tokens to score, got \(ids.count)") }
        var rng = RandomGenerator(seed: 0)
        var state: [[Variable]]? = nil
        var totalNats = 0.0
        var start = 0
        while start < ids.count - 1 {
            let length = min(chunk, ids.count - 1 - start)
            let inputs = Array(ids[start..<(start + length)]), targets = Array(ids[(start + 1)...(start + length)])
            let (logits, next) = GradMode.withNoGrad {
                self(inputs, steps: length, batch: 1, state: state, training: false, rng: &rng)
            }
            totalNats += Double(crossEntropy(logits: logits, targets: targets, reduction: .sum).value.scalar)
            state = next
            start += length
        }
        return totalNats / Double(ids.count - 1)
    }
}
