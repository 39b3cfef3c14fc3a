/// The figure of "Show, Attend and Tell": the image, then one panel per generated word where the
/// regions the decoder attended to are lit and the rest of the image is dimmed.
///
/// α of a word is a grid `[gh, gw]` of region weights (summing to 1); it is scaled to [0, 1] by
/// its largest weight, upsampled bilinearly to the image, and blended as
/// `pixel · (0.25 + 0.75 a) + 0.45 a` (white light where a = 1). Panels are `scale` times the
/// image, labelled above, `columns` to a row, on black.
public enum AttentionFigure {
    public static func render(image: Image, words: [String], alphas: [[Float]], grid: (height: Int, width: Int),
                              scale: Int = 3, columns: Int = 5) -> Image {
        precondition(words.count == alphas.count && alphas.allSatisfy { $0.count == grid.height * grid.width },
                     "AttentionFigure: one α of \(grid.height)×\(grid.width) per word")
        let big = image.resized(height: image.height * scale, width: image.width * scale)
        let (ph, pw) = (big.height, big.width)
        let label = 2 * PixelFont.height + 6, gap = 6
        let panels = [("image", big)] + zip(words, alphas).map { word, alpha in (word, lit(big, alpha, grid)) }
        let across = min(columns, panels.count), down = (panels.count + columns - 1) / columns
        var figure = Image(height: down * (ph + label + gap) + gap, width: across * (pw + gap) + gap)
        for (n, (word, panel)) in panels.enumerated() {
            let (top, left) = (gap + (n / columns) * (ph + label + gap), gap + (n % columns) * (pw + gap))
            PixelFont.draw(word, into: &figure, x: left, y: top + 2, scale: 2)
            figure.paste(panel, top: top + label, left: left)
        }
        return figure
    }

    static func lit(_ image: Image, _ alpha: [Float], _ grid: (height: Int, width: Int)) -> Image {
        let top = max(alpha.max() ?? 1, 1e-12)
        let map = Image(channels: 1, height: grid.height, width: grid.width, pixels: alpha.map { $0 / top })
            .resized(height: image.height, width: image.width)
        var out = image
        let plane = image.height * image.width
        for c in 0..<image.channels {
            for i in 0..<plane {
                let a = min(max(map.pixels[i], 0), 1)
                out.pixels[c * plane + i] = min(1, image.pixels[c * plane + i] * (0.25 + 0.75 * a) + 0.45 * a)
            }
        }
        return out
    }
}

extension Image {
    /// Copies `other` (same channels) with its top-left corner at (top, left), clipped to self.
    public mutating func paste(_ other: Image, top: Int, left: Int) {
        precondition(other.channels == channels, "paste: \(other.channels) channels into \(channels)")
        for c in 0..<channels {
            for y in 0..<other.height where top + y >= 0 && top + y < height {
                for x in 0..<other.width where left + x >= 0 && left + x < width {
                    self[c, top + y, left + x] = other[c, y, x]
                }
            }
        }
    }
}
