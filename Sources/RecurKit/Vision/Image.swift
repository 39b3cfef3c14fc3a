/// A picture as the models see it: floats in [0, 1], channel-major.
///
/// Shape `[C, H, W]` with C = 3 (RGB) for every image a task reads; a grayscale or RGBA file is
/// converted on reading (grey copied to the three channels, alpha composited over black).
/// `pixels[c·H·W + y·W + x]` is channel c of the pixel in row y, column x (row 0 at the top).
public struct Image: Sendable, Equatable {
    public var channels: Int
    public var height: Int
    public var width: Int
    public var pixels: [Float]

    public init(channels: Int = 3, height: Int, width: Int, pixels: [Float]) {
        precondition(channels > 0 && height > 0 && width > 0 && pixels.count == channels * height * width,
                     "Image: \(pixels.count) values for [\(channels), \(height), \(width)]")
        self.channels = channels
        self.height = height
        self.width = width
        self.pixels = pixels
    }

    /// A black image.
    public init(channels: Int = 3, height: Int, width: Int) {
        self.init(channels: channels, height: height, width: width,
                  pixels: [Float](repeating: 0, count: channels * height * width))
    }

    /// Channel `c` at row `y`, column `x`.
    public subscript(c: Int, y: Int, x: Int) -> Float {
        get { pixels[(c * height + y) * width + x] }
        set { pixels[(c * height + y) * width + x] = newValue }
    }
}

extension Tensor {
    /// Images of one size stacked into a batch `[B, C, H, W]` (image b's pixels at offset b·C·H·W).
    public init(batching images: [Image]) {
        precondition(!images.isEmpty, "Tensor(batching:): no images")
        let first = images[0]
        for image in images where (image.channels, image.height, image.width) != (first.channels, first.height, first.width) {
            preconditionFailure("Tensor(batching:): a \(image.channels)×\(image.height)×\(image.width) image among \(first.channels)×\(first.height)×\(first.width) ones")
        }
        self.init(shape: [images.count, first.channels, first.height, first.width], scalars: images.flatMap(\.pixels))
    }
}
