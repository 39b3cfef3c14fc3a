/// Feature-wise linear modulation (Perez et al. 2018, "FiLM: Visual Reasoning with a General
/// Conditioning Layer"): residual blocks over a CNN feature map whose channels a conditioning
/// vector (a question) scales and shifts, one block after another:
///
///     h = ReLU(conv1×1([x ; x-map ; y-map]))        [B, C, H, W]
///     z = conv3×3(h)                                 [B, C, H, W]
///     x' = h + ReLU(γ ⊙ z + β)                       γ, β [B, C] from the conditioning vector
///
/// The coordinate maps (x and y in [−1, 1]) go in before each block because convolution alone
/// hardly says *where*, and relations ("left of") are questions of where. The paper normalises
/// z (batch norm without affine) before FiLM; here z is not normalised, so that the blocks do
/// not depend on batch statistics at prediction time.
///
/// γ = 1 + Δγ and β come from one linear map of the conditioning vector `[B, Q]` → `[B, 2·C·n]`
/// whose weights start small and bias at 0, so every block starts near the identity
/// modulation (γ ≈ 1, β ≈ 0) and the question's influence grows as training finds it useful.
///
/// Parameters, under the owner's prefix: `blocks.{i}.project.weight` `[C, C + 2, 1, 1]`,
/// `.project.bias` `[C]`, `blocks.{i}.conv.weight` `[C, C, 3, 3]`, `.conv.bias` `[C]`, and
/// `generator.weight` `[2·C·n, Q]`, `generator.bias` `[2·C·n]` (block i's Δγ are columns
/// 2·C·i ..< 2·C·i + C of the output, its β the next C).
public final class FiLMStack: ParameterOwner {
    public struct Block {
        public let projectWeight: Variable, projectBias: Variable
        public let convWeight: Variable, convBias: Variable
    }

    public let blocks: [Block]
    public let generator: Linear
    public let channels: Int

    /// `channels` C of the feature map, `conditionSize` Q of the conditioning vector, `count` blocks.
    public init(channels: Int, conditionSize: Int, count: Int, rng: inout RandomGenerator) {
        precondition(channels >= 1 && conditionSize >= 1 && count >= 1, "FiLMStack: needs positive sizes, got C \(channels), Q \(conditionSize), \(count) blocks")
        self.channels = channels
        blocks = (0..<count).map { _ in
            // nn.Conv2d's initialisation, U(±1/√fan_in), as ConvEncoder's.
            let projectBound = 1 / Float(channels + 2).squareRoot(), convBound = 1 / Float(channels * 9).squareRoot()
            return Block(projectWeight: parameter(rng.uniformTensor([channels, channels + 2, 1, 1], -projectBound, projectBound), "project.weight"),
                         projectBias: parameter(rng.uniformTensor([channels], -projectBound, projectBound), "project.bias"),
                         convWeight: parameter(rng.uniformTensor([channels, channels, 3, 3], -convBound, convBound), "conv.weight"),
                         convBias: parameter(rng.uniformTensor([channels], -convBound, convBound), "conv.bias"))
        }
        generator = Linear(inputSize: conditionSize, outputSize: 2 * channels * count, rng: &rng)
        // Near the identity modulation at the start: Δγ and β about ±0.1·|q| / √Q, no offset.
        let weights = 2 * channels * count * conditionSize
        generator.weight.updateValue { w in for i in 0..<weights { w[i] *= 0.1 } }
        generator.bias?.updateValue { $0.update(repeating: 0, count: 2 * channels * count) }
    }

    public var namedParameters: [NamedParameter] {
        blocks.enumerated().flatMap { i, block in
            [("blocks.\(i).project.weight", block.projectWeight), ("blocks.\(i).project.bias", block.projectBias),
             ("blocks.\(i).conv.weight", block.convWeight), ("blocks.\(i).conv.bias", block.convBias)]
        } + generator.namedParameters(prefix: "generator")
    }

    /// Feature map `[B, C, H, W]` modulated by conditioning vectors `[B, Q]` → `[B, C, H, W]`.
    public func callAsFunction(_ features: Variable, condition: Variable) -> Variable {
        let (b, c, h, w) = (features.shape[0], features.shape[1], features.shape[2], features.shape[3])
        precondition(c == channels && condition.shape == [b, generator.inputSize],
                     "FiLMStack: features \(features.shape) and condition \(condition.shape) for C \(channels), Q \(generator.inputSize)")
        let modulation = generator(condition)
        let maps = Variable(coordinateMaps(batch: b, height: h, width: w))
        var x = features
        for (i, block) in blocks.enumerated() {
            let gamma = modulation.slice(axis: 1, start: 2 * c * i, length: c).reshaped([b, c, 1, 1]) + 1
            let beta = modulation.slice(axis: 1, start: 2 * c * i + c, length: c).reshaped([b, c, 1, 1])
            let projected = conv2d(concat([x, maps], axis: 1), weight: block.projectWeight, bias: block.projectBias).relu()
            let z = conv2d(projected, weight: block.convWeight, bias: block.convBias, padding: 1)
            x = projected + (z * gamma + beta).relu()
        }
        return x
    }
}

/// Two channels holding each position's x and y, scaled to [−1, 1] (0 on an axis of one):
/// `[B, 2, H, W]`, channel 0 x (the column), channel 1 y (the row), as ``withCoordinates(_:grid:)``
/// tags regions.
public func coordinateMaps(batch: Int, height: Int, width: Int) -> Tensor {
    func scaled(_ i: Int, _ n: Int) -> Float { n > 1 ? 2 * Float(i) / Float(n - 1) - 1 : 0 }
    var one = [Float]()
    one.reserveCapacity(2 * height * width)
    for _ in 0..<height { for x in 0..<width { one.append(scaled(x, width)) } }
    for y in 0..<height { for _ in 0..<width { one.append(scaled(y, height)) } }
    return Tensor(shape: [batch, 2, height, width], scalars: Array([[Float]](repeating: one, count: batch).joined()))
}
