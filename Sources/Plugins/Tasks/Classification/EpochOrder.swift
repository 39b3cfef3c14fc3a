import RecurKit

/// The order in which epoch `e` visits `n` training examples (RECIPES, shared conventions): a
/// Fisher–Yates shuffle of `0..<n` driven by SplitMix64 seeded with `e`, so any language can
/// reproduce it. `permutation(10, epoch: 0)` is `[6, 3, 2, 9, 8, 1, 4, 7, 0, 5]`.
public enum EpochOrder {
    public static func permutation(_ n: Int, epoch: Int) -> [Int] {
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
}
