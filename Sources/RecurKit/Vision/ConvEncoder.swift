import Foundation

/// A small convolutional image encoder: for each entry of a channel list (`--conv 32,64,64`) one block
///
///     3×3 conv (padding 1, stride 1, bias) → ReLU → 2×2 max pool
///
/// mapping images `[B, C, H, W]` to a feature map `[B, C_last, H/2ⁿ, W/2ⁿ]` (each halving rounds down,
/// as PyTorch's floor mode), or to n regions `[B, L, C_last]` for attention over the picture.
///
/// Parameters are named as the state dict of a module whose `conv` is
/// `nn.Sequential(Conv2d, ReLU, MaxPool2d, Conv2d, …)`: block i's are `conv.{3i}.weight` `[O, C, 3, 3]`
/// and `conv.{3i}.bias` `[O]`, since ReLU and MaxPool2d take the indices between. Initialisation is
/// nn.Conv2d's: kaiming_uniform with a = √5, which for a uniform bound gain·√(3 / fan_in) with
/// gain = √(2 / (1 + a²)) comes to U(±1/√fan_in), and the bias U(±1/√fan_in), fan_in = C·3·3.
public final class ConvEncoder: ParameterOwner {
    public struct Block {
        public let weight: Variable
        public let bias: Variable
    }

    public let blocks: [Block]
    public let inputChannels: Int
    static let kernel = 3, pool = 2

    public init(inputChannels: Int = 3, channels: [Int], rng: inout RandomGenerator) {
        precondition(inputChannels >= 1 && !channels.isEmpty && channels.allSatisfy { $0 >= 1 },
                     "ConvEncoder: needs at least one block and positive channel counts, got \(inputChannels) → \(channels)")
        self.inputChannels = inputChannels
        var blocks: [Block] = []
        var previous = inputChannels
        for (i, width) in channels.enumerated() {
            let fanIn = previous * Self.kernel * Self.kernel
            let bound = 1 / Float(fanIn).squareRoot()
            let weight = parameter(rng.uniformTensor([width, previous, Self.kernel, Self.kernel], -bound, bound), "conv.\(3 * i).weight")
            let bias = parameter(rng.uniformTensor([width], -bound, bound), "conv.\(3 * i).bias")
            blocks.append(Block(weight: weight, bias: bias))
            previous = width
        }
        self.blocks = blocks
    }

    /// Channels of the feature map (the last entry of the list).
    public var outputChannels: Int { blocks.last!.weight.shape[0] }

    /// The channel list, as given to ``init(inputChannels:channels:rng:)``.
    public var channels: [Int] { blocks.map { $0.weight.shape[0] } }

    public var namedParameters: [NamedParameter] {
        blocks.enumerated().flatMap { i, block in [("conv.\(3 * i).weight", block.weight), ("conv.\(3 * i).bias", block.bias)] }
    }

    /// Reads a channel list such as `32,64,64`: positive integers separated by commas.
    public static func parseChannels(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw ConfigValueError(field: "conv", value: "'\(text)'", expected: "comma-separated channel counts (each at least 1) like 32,64,64")
        }
        return parts.map { $0! }
    }

    /// The feature map's height and width for an input of this size: each block halves them, rounding
    /// down (a 0 means the images are too small for this many blocks).
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        blocks.reduce((height: height, width: width)) { size, _ in (size.height / Self.pool, size.width / Self.pool) }
    }

    /// Images `[B, C, H, W]` → feature map `[B, C_last, H', W']`.
    public func callAsFunction(_ images: Variable) -> Variable {
        precondition(images.value.rank == 4 && images.shape[1] == inputChannels,
                     "ConvEncoder: images of shape \(images.shape) are not [B, \(inputChannels), H, W]")
        let size = outputSize(height: images.shape[2], width: images.shape[3])
        precondition(size.height >= 1 && size.width >= 1,
                     "ConvEncoder: \(images.shape[2])×\(images.shape[3]) images are too small for \(blocks.count) halvings")
        var x = images
        for block in blocks {
            x = conv2d(x, weight: block.weight, bias: block.bias, padding: Self.kernel / 2).relu()
            x = maxPool2d(x, kernel: Self.pool)
        }
        return x
    }

    /// Images `[B, C, H, W]` → regions `[B, L, C_last]`, L = H'·W': region r = y·W' + x is the feature
    /// vector at row y, column x of the feature map (row-major, as `flatten(2).transpose(1, 2)`).
    public func regions(_ images: Variable) -> Variable {
        let features = callAsFunction(images)
        let (b, c) = (features.shape[0], features.shape[1])
        return features.reshaped([b, c, features.shape[2] * features.shape[3]]).permuted([0, 2, 1])
    }
}
