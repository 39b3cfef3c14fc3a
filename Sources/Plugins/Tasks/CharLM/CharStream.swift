/// Contiguous-stream batching for truncated BPTT (docs/recipes.md, char-lm, exactly):
///
/// * The training ids are cut into B rows of length L = N / B (the last N mod B ids are unused);
///   row b is `train[b·L ..< (b+1)·L]`.
/// * An epoch has nb = (L − 1) / T batches. Batch k holds `x[t, b] = train[b·L + k·T + t]` and
///   `y[t, b] = train[b·L + k·T + t + 1]` for t < T — stored time-major, `[T, B]`.
/// * Step s uses batch k = s mod nb. The hidden state is carried (detached) from batch k to k+1
///   and reset to zeros when k = 0, because every row then jumps back to its start.
public struct CharStream: Sendable {
    public let ids: [Int32]
    public let batch: Int, steps: Int
    public let rowLength: Int
    public let batchesPerEpoch: Int

    /// `nil` when the text is too short for even one batch.
    public init?(ids: [Int32], batch: Int, steps: Int) {
        self.ids = ids
        self.batch = batch
        self.steps = steps
        rowLength = ids.count / batch
        batchesPerEpoch = (rowLength - 1) / steps
        if batchesPerEpoch < 1 { return nil }
    }

    /// Inputs and targets of batch k, each `[T, B]` flattened time-major.
    public func batch(_ k: Int) -> (inputs: [Int32], targets: [Int32]) {
        var inputs = [Int32](repeating: 0, count: steps * batch), targets = inputs
        for t in 0..<steps {
            for b in 0..<batch {
                let i = b * rowLength + k * steps + t
                inputs[t * batch + b] = ids[i]
                targets[t * batch + b] = ids[i + 1]
            }
        }
        return (inputs, targets)
    }
}
