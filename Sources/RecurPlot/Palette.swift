/// Line colours (Tableau 10: distinct, and readable for the common colour-vision deficiencies).
public enum Palette {
    public static let lines = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                               "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]

    public static func line(_ index: Int) -> String { lines[index % lines.count] }

    /// Viridis at t ∈ [0, 1] (dark blue → yellow), from nine stops linearly interpolated:
    /// perceptually ordered, so a heatmap reads correctly in grey too.
    public static func viridis(_ t: Double) -> String {
        let stops: [(Double, Double, Double)] = [
            (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
            (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
        ]
        let x = min(max(t.isFinite ? t : 0, 0), 1) * Double(stops.count - 1)
        let i = min(Int(x), stops.count - 2), f = x - Double(i)
        let a = stops[i], b = stops[i + 1]
        func mix(_ p: Double, _ q: Double) -> Int { Int((p + (q - p) * f).rounded()) }
        return String(format: "#%02x%02x%02x", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    /// A diverging scale at t ∈ [−1, 1]: blue (−1) → white (0) → red (+1), as Karpathy et al.
    /// colour a unit's activation over text.
    public static func diverging(_ t: Double) -> String {
        let x = min(max(t.isFinite ? t : 0, -1), 1)
        let (r, g, b): (Double, Double, Double) = x < 0
            ? (255 + (33 - 255) * -x, 255 + (102 - 255) * -x, 255 + (172 - 255) * -x)
            : (255 + (178 - 255) * x, 255 + (24 - 255) * x, 255 + (43 - 255) * x)
        return String(format: "#%02x%02x%02x", Int(r.rounded()), Int(g.rounded()), Int(b.rounded()))
    }
}
