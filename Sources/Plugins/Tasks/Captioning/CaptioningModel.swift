import RecurKit

/// Image captioning with visual attention ("Show, Attend and Tell", Xu et al. 2015): a CNN
/// turns the image into L region vectors, and a ``CaptionDecoder`` writes the caption while
/// attending over them.
///
/// Shapes: images `[B, 3, S, S]` → regions `[B, L, D]` (L = (S/2ⁿ)², D = the last conv width
/// + 2: each region's x and y, ``withCoordinates(_:grid:)``) → logits `[B, T, V]` and α `[B, T, L]`. Parameters: `encoder.conv.…` (an `nn.Sequential` of
/// Conv2d, ReLU, MaxPool2d) and `decoder.…` (see ``CaptionDecoder``).
final class CaptioningModel: ParameterOwner {
    let encoder: ConvEncoder
    let decoder: CaptionDecoder
    /// The grid of regions (rows, columns), for drawing α over the image.
    let grid: (height: Int, width: Int)

    init(vocabularySize: Int, options: CaptioningOptions, stack: StackConfig, cells: Registry<CellDescriptor>,
         rng: inout RandomGenerator) throws {
        encoder = ConvEncoder(inputChannels: 3, channels: try ConvEncoder.parseChannels(options.conv), rng: &rng)
        grid = encoder.outputSize(height: options.imageSize, width: options.imageSize)
        guard grid.height >= 1 && grid.width >= 1 else {
            throw TaskError("--image-size \(options.imageSize) is too small for \(options.conv.split(separator: ",").count) pooling blocks (--conv \(options.conv))")
        }
        decoder = try CaptionDecoder(vocabularySize: vocabularySize, embedding: options.embedding, memorySize: encoder.outputChannels + 2,
                                     attention: options.attention == .additive,
                                     attentionSize: options.attentionSize > 0 ? options.attentionSize : stack.hiddenSize,
                                     gate: options.gate, stack: stack, cells: cells, rng: &rng)
    }

    var namedParameters: [NamedParameter] {
        encoder.namedParameters(prefix: "encoder") + decoder.namedParameters(prefix: "decoder")
    }

    /// The decoder's memory for a batch of images.
    func memory(_ images: [Image]) -> CaptionDecoder.Memory {
        decoder.memory(withCoordinates(encoder.regions(Variable(Tensor(batching: images))), grid: grid))
    }
}
