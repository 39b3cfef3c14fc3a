/// Attention over the frames of a clip: the frames in a row, then one row per generated word in
/// which each frame is lit by its weight (scaled by the row's largest) and the rest dimmed, as
/// `pixel · (0.15 + 0.85 a)`. Frames are `scale` times their size, words written at the left.
public enum FrameAttentionFigure {
    public static func render(frames: [Image], words: [String], alphas: [[Float]], scale: Int = 2) -> Image {
        precondition(!frames.isEmpty && words.count == alphas.count && alphas.allSatisfy { $0.count == frames.count },
                     "FrameAttentionFigure: one α over the \(frames.count) frames per word")
        let big = frames.map { $0.resized(height: $0.height * scale, width: $0.width * scale) }
        let (fh, fw) = (big[0].height, big[0].width), gap = 4
        let labelWidth = (words + ["frames"]).map { PixelFont.textWidth($0, scale: 2) }.max()! + 2 * gap
        var figure = Image(height: (words.count + 1) * (fh + gap) + gap, width: labelWidth + frames.count * (fw + gap) + gap)
        let rows = [("frames", [Float](repeating: 1, count: frames.count))] + zip(words, alphas).map { ($0, $1) }
        for (r, (word, alpha)) in rows.enumerated() {
            let top = gap + r * (fh + gap)
            PixelFont.draw(word, into: &figure, x: gap, y: top + (fh - 2 * PixelFont.height) / 2, scale: 2)
            let most = max(alpha.max() ?? 1, 1e-12)
            for (t, frame) in big.enumerated() {
                let a = min(max(alpha[t] / most, 0), 1)
                var lit = frame
                for i in lit.pixels.indices { lit.pixels[i] *= 0.15 + 0.85 * a }
                figure.paste(lit, top: top, left: labelWidth + t * (fw + gap))
            }
        }
        return figure
    }
}
