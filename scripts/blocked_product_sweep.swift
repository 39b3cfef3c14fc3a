// The harness of scripts/blocked-product-sweep.sh: times BlockedProduct (Sources/RecurKernels,
// compiled here with its block sizes made variables) for each depth/row block pair on each shape,
// beside the FMA peak. Arguments: shapes as MxKxN, with a trailing "t" for a transposed A.
import Foundation

let pairs = ProcessInfo.processInfo.environment["BLOCKS"].map {
    $0.split(separator: " ").map { pair -> (Int, Int) in
        let sizes = pair.split(separator: "/").compactMap { Int($0) }
        return (sizes[0], sizes[1])
    }
} ?? [(128, 256), (256, 256), (256, 128), (512, 128)]
// Each pair is set for all three blockings (deep, long: a deeper row-major A, and shallow: few
// rows); a shape uses one.

func peak() -> Double {
    var best = Double.infinity, sink: Float = 0
    let iterations = 10_000_000
    for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        sink += FMAPeak.run(iterations: iterations)
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    if !sink.isFinite { print("") }
    return Double(iterations * FMAPeak.flopsPerIteration) / best / 1e9
}

print("blocks (depth/rows):", pairs.map { "\($0.0)/\($0.1)" }.joined(separator: "  "), "— GFLOP/s, best of 5")
for argument in CommandLine.arguments.dropFirst() {
    let transposeA = argument.hasSuffix("t")
    let sizes = argument.dropLast(transposeA ? 1 : 0).split(separator: "x").compactMap { Int($0) }
    guard sizes.count == 3, sizes.allSatisfy({ $0 > 0 && $0 <= 16_384 }) else {
        print("skipped \(argument): not MxKxN with sizes 1…16384")
        continue
    }
    let (m, k, n) = (sizes[0], sizes[1], sizes[2])
    let a = UnsafeMutablePointer<Float>.allocate(capacity: m * k), b = UnsafeMutablePointer<Float>.allocate(capacity: k * n)
    let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
    for i in 0..<m * k { a[i] = Float(i % 7) * 0.01 }
    for i in 0..<k * n { b[i] = Float(i % 5) * 0.01 }
    var line = String(format: "%5d×%-5d·%5d×%-5d%@", m, k, k, n, transposeA ? " Aᵀ" : "   ")
    for (depth, rows) in pairs {
        BlockedProduct.depthBlock = depth
        BlockedProduct.rowBlock = rows
        BlockedProduct.shallowDepthBlock = depth
        BlockedProduct.shallowRowBlock = rows
        BlockedProduct.longDepthBlock = depth
        BlockedProduct.longRowBlock = rows
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: BlockedProduct.scratchCount(transposeA: transposeA, m: m, n: n, k: k))
        func once() {
            BlockedProduct.run(transposeA: transposeA, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a,
                               lda: transposeA ? m : k, b: b, ldb: n, accumulate: false, c: c, ldc: n, scratch: scratch)
        }
        once()
        let flops = 2.0 * Double(m * n * k), repetitions = max(3, Int(2e9 / flops))
        var best = Double.infinity
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<repetitions { once() }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(repetitions))
        }
        line += String(format: "  %7.1f", flops / best / 1e9)
        scratch.deallocate()
    }
    print(line)
}
print(String(format: "FMA peak %.1f GFLOP/s", peak()))
