/// Bilinear resizing, equal to PyTorch's
/// `F.interpolate(x, size=(height, width), mode="bilinear", align_corners=False, antialias=False)`
/// on a `[1, C, H, W]` float tensor, so a model trained on Recur's inputs sees what a PyTorch
/// pipeline would feed it.
///
/// Pixel centres sit at half-integers: output column `x` samples the input at
/// `s = (W_in / W_out) · (x + 0.5) − 0.5`, with `s` clamped to 0 below (and the right-hand
/// neighbour clamped to the last column), mixing columns `⌊s⌋` and `⌊s⌋ + 1` with weights
/// `1 − (s − ⌊s⌋)` and `s − ⌊s⌋`; rows likewise, computed in Float32 as PyTorch does.
/// Like PyTorch's default there is no antialiasing: shrinking by more than 2× skips pixels.
extension Image {
    /// The image resampled to `[C, height, width]`; the same size returns it unchanged.
    public func resized(height newHeight: Int, width newWidth: Int) -> Image {
        precondition(newHeight > 0 && newWidth > 0, "Image.resized: size \(newHeight) × \(newWidth) must be positive")
        if newHeight == height && newWidth == width { return self }
        let rows = Self.bilinearTaps(from: height, to: newHeight)
        let columns = Self.bilinearTaps(from: width, to: newWidth)
        var output = [Float](repeating: 0, count: channels * newHeight * newWidth)
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                for c in 0..<channels {
                    let plane = c * height * width
                    for (y, row) in rows.enumerated() {
                        let upper = plane + row.first * width, lower = plane + row.second * width
                        let out = (c * newHeight + y) * newWidth
                        for (x, column) in columns.enumerated() {
                            // PyTorch's order: each row's horizontal mix, then the vertical one.
                            let top = source[upper + column.first] * column.firstWeight + source[upper + column.second] * column.secondWeight
                            let bottom = source[lower + column.first] * column.firstWeight + source[lower + column.second] * column.secondWeight
                            target[out + x] = top * row.firstWeight + bottom * row.secondWeight
                        }
                    }
                }
            }
        }
        return Image(channels: channels, height: newHeight, width: newWidth, pixels: output)
    }

    /// The two input positions (and their weights) each output position along one axis mixes.
    struct BilinearTap: Equatable {
        var first: Int, second: Int
        var firstWeight: Float, secondWeight: Float
    }

    static func bilinearTaps(from inputSize: Int, to outputSize: Int) -> [BilinearTap] {
        let scale = Float(inputSize) / Float(outputSize)
        return (0..<outputSize).map { index in
            let source = max(scale * (Float(index) + 0.5) - 0.5, 0)
            let first = min(Int(source), inputSize - 1)
            let second = first < inputSize - 1 ? first + 1 : first
            let secondWeight = min(source - Float(first), 1)
            return BilinearTap(first: first, second: second, firstWeight: 1 - secondWeight, secondWeight: secondWeight)
        }
    }
}
