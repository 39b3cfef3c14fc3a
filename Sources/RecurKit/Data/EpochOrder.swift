/// The order in which epoch `e` visits `n` training examples (docs/recipes.md, "Epoch order without
/// a library RNG"): a Fisher–Yates shuffle of `0..<n` driven by SplitMix64 seeded with `e`, so any
/// language can reproduce it. `permutation(count: 10, epoch: 0)` is `[6, 3, 2, 9, 8, 1, 4, 7, 0, 5]`;
/// batch b of the epoch is `perm[B·b ..< B·b + B]`, the last one the smaller remainder.
public enum EpochOrder {
    public static func permutation(count n: Int, epoch: Int) -> [Int] {
        var state = UInt64(epoch)
        var perm = Array(0..<n)
        var i = n - 1
        while i >= 1 {
            let j = Int(RandomGenerator.splitMix64(&state) % UInt64(i + 1))
            perm.swapAt(i, j)
            i -= 1
        }
        return perm
    }

    /// The epoch's batches of example indices. With `bucketed`, every window of 20 consecutive
    /// batches is re-cut after a stable sort by length, so a batch pads less while the mix of
    /// examples across an epoch stays random.
    public static func batches(count n: Int, epoch: Int, batch: Int, bucketed: Bool = false,
                               length: (Int) -> Int = { _ in 0 }) -> [[Int]] {
        var perm = permutation(count: n, epoch: epoch)
        if bucketed {
            let window = batch * 20
            var start = 0
            while start < n {
                let end = min(start + window, n)
                let sorted = perm[start..<end].enumerated().sorted {
                    (length($0.element), $0.offset) < (length($1.element), $1.offset)
                }.map(\.element)
                perm.replaceSubrange(start..<end, with: sorted)
                start = end
            }
        }
        return stride(from: 0, to: n, by: batch).map { Array(perm[$0..<min($0 + batch, n)]) }
    }
}
