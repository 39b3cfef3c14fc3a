import Foundation

/// Draws an index from softmax(logits / temperature), optionally from the k most likely only.
/// A score of −∞ is never drawn (callers mask tokens out that way).
public func sampleIndex(_ logits: [Float], temperature: Float, topK: Int?, rng: inout RandomGenerator) throws -> Int {
    guard logits.allSatisfy({ $0.isFinite || $0 == -.infinity }), logits.contains(where: \.isFinite) else {
        throw TaskError("the model's outputs are not finite numbers (were its weights trained to divergence?)")
    }
    // Divide in Double: a tiny temperature overflows Float but is only a sharp argmax.
    var scaled = logits.map { Double($0) / Double(temperature) }
    if let k = topK, k < scaled.count {
        let threshold = scaled.sorted(by: >)[k - 1]
        scaled = scaled.map { $0 >= threshold ? $0 : -.infinity }
    }
    let m = scaled.max()!
    let weights = scaled.map { exp($0 - m) }
    var u = Double(rng.nextUnit()) * weights.reduce(0, +)
    for (i, w) in weights.enumerated() {
        u -= w
        if u < 0 { return i }
    }
    return weights.lastIndex { $0 > 0 }!
}
