/// Asymmetric int4 quantization in groups of ``size`` columns (llama.cpp's Q4_1 shape): per row
/// and group, `minimum = min w` and `scale = (max w − min w) / 15`, both kept in fp16, and
/// `q = round((w − minimum) / scale)` in 0…15, so that
///
///     w ≈ q · scale + minimum,  |Δw| ≤ scale / 2 (+ the fp16 rounding of scale and minimum)
///
/// Groups rather than rows, because one large weight in a row of 512 would leave the rest of the
/// row a handful of the 16 steps; a minimum rather than a symmetric range, because each group's
/// 16 steps then span only its own values (on the demo model's last 100k characters, groups of
/// 64: +0.018 nats/char over fp32 asymmetric, +0.042 symmetric; `docs/engine-notes.md`).
public enum Int4Groups {
    /// Columns per group: `PanelGemv.nibbleGroup`, the same on every kernel.
    public static var size: Int { PanelGemvAVX512.nibbleGroup }

    /// fp16 of `v`, saturated to fp16's largest finite value (a weight that large is nonsense,
    /// but it must not become ∞ and then NaN from ∞ · 0).
    static func half(_ v: Float) -> Float16 { Float16(max(-65504, min(65504, v))) }

    /// The scale and minimum of one group's weights. A group holding NaN or ±∞ gets NaN for
    /// both, so its rows come out NaN, as they would in fp32.
    public static func parameters(_ weights: some Collection<Float>) -> (scale: Float16, minimum: Float16) {
        guard let lowest = weights.min(), let highest = weights.max(), weights.allSatisfy(\.isFinite) else {
            return weights.isEmpty ? (0, 0) : (.nan, .nan)
        }
        return (half((highest - lowest) / 15), half(lowest))
    }

    /// q of weight `w` in a group of `scale` and `minimum`: 0 when the scale is 0 or not finite.
    public static func quantize(_ w: Float, scale: Float16, minimum: Float16) -> UInt8 {
        let s = Float(scale)
        guard s > 0, s.isFinite, w.isFinite else { return 0 }
        let q = ((w - Float(minimum)) / s).rounded(.toNearestOrEven)
        return UInt8(max(0, min(15, q)))
    }

    /// The values a row's weights are kept as: each group quantized and restored.
    public static func rounded(row: [Float]) -> [Float] {
        stride(from: 0, to: row.count, by: size).flatMap { start in
            let group = row[start ..< min(row.count, start + size)]
            let (scale, minimum) = parameters(group)
            return group.map { Float(quantize($0, scale: scale, minimum: minimum)) * Float(scale) + Float(minimum) }
        }
    }
}
