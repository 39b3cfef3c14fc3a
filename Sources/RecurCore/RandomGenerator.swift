import Foundation

/// xoshiro256** seeded through SplitMix64: fast, deterministic on every platform, and its whole
/// state is four words, so it is saved in checkpoints and restored exactly.
public struct RandomGenerator: RandomNumberGenerator, Codable, Sendable, Equatable {
    public var state: [UInt64]

    public init(seed: UInt64) {
        var s = seed
        state = (0..<4).map { _ in RandomGenerator.splitMix64(&s) }
    }

    /// The SplitMix64 step (also the epoch order of docs/recipes.md).
    public static func splitMix64(_ s: inout UInt64) -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next() -> UInt64 {
        let result = rotl(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]; state[3] ^= state[1]; state[1] ^= state[2]; state[0] ^= state[3]
        state[2] ^= t
        state[3] = rotl(state[3], 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 24 random bits.
    public mutating func nextUnit() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * nextUnit() }

    /// Standard normal by Box–Muller.
    public mutating func normal() -> Float {
        let u1 = max(Double(next() >> 11) * 0x1.0p-53, 1e-300)
        let u2 = Double(next() >> 11) * 0x1.0p-53
        return Float(sqrt(-2 * Foundation.log(u1)) * cos(2 * Double.pi * u2))
    }

    /// A tensor of uniform values in [low, high).
    public mutating func uniformTensor(_ shape: [Int], _ low: Float, _ high: Float) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in uniform(low, high) })
    }

    /// A tensor of normal values with the given mean and standard deviation.
    public mutating func normalTensor(_ shape: [Int], mean: Float = 0, std: Float = 1) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in mean + std * normal() })
    }
}
