import RecurCore

/// `W_hh` `[G·H, H]` and `b_hh` `[G·H]` repacked for the per-step microkernel, once per pass.
///
/// **Forward** (`gh = b_hh + h·W_hhᵀ`): the hidden units are cut into blocks of `u` units, and a
/// block's `G·u` gate columns (gate-major: `[g][unit]`, like a row of `gh` restricted to the
/// block) are laid out in panels of ``panelWidth`` columns, `H` rows each. A block therefore
/// holds every gate of its units, so the gate non-linearities run on the block's tile while it is
/// in L1/L2 (fused GEMM + gates). `u` = ``panelWidth``, so a block is G panels, one per gate.
///
/// **Backward** (`∂h_{t−1} += ∂gh·W_hh`): output columns (hidden units) in panels of
/// ``panelWidth``, `G·H` rows each.
///
/// Units past `H` are zero columns, so a tile never reads outside the weights.
final class PackedRecurrentWeights {
    let isa: RecurrentISA
    let gates: Int, hidden: Int
    /// Columns of one panel (four vector registers).
    let panelWidth: Int
    /// Units per forward block and panels per block.
    let blockUnits: Int, panelsPerBlock: Int
    let blocks: Int
    /// Backward panels, which are also the units each worker owns a whole number of.
    let groups: Int
    private(set) var forward: FloatBuffer
    private(set) var bias: FloatBuffer
    private(set) var backward: FloatBuffer?

    init(isa: RecurrentISA, gates G: Int, hidden H: Int, weight: UnsafePointer<Float>, bias b: UnsafePointer<Float>) {
        self.isa = isa
        gates = G
        hidden = H
        panelWidth = isa.panelWidth
        // A block is one panel's width of units with all G gates (G panels): wide enough that the
        // gate kernel runs on whole vectors and per-block bookkeeping is amortised, small enough
        // (B × G × 64 floats) that the tile stays in L1/L2.
        blockUnits = panelWidth
        panelsPerBlock = G
        blocks = (H + blockUnits - 1) / blockUnits
        groups = (H + panelWidth - 1) / panelWidth
        let (u, pw, ppb) = (blockUnits, panelWidth, panelsPerBlock)
        forward = FloatBuffer(uninitializedCount: blocks * ppb * H * pw)
        bias = FloatBuffer(uninitializedCount: blocks * ppb * pw)
        let f = forward.pointer, fb = bias.pointer
        for block in 0..<blocks {
            for p in 0..<ppb {
                let panel = f + (block * ppb + p) * H * pw, panelBias = fb + (block * ppb + p) * pw
                for c in 0..<pw {
                    let column = p * pw + c, gate = column / u, unit = block * u + column % u
                    guard unit < H else {
                        panelBias[c] = 0
                        for k in 0..<H { panel[k * pw + c] = 0 }
                        continue
                    }
                    let row = weight + (gate * H + unit) * H
                    panelBias[c] = b[gate * H + unit]
                    for k in 0..<H { panel[k * pw + c] = row[k] }
                }
            }
        }
    }

    /// Packs the backward panels (only a training pass needs them).
    func packBackward(weight: UnsafePointer<Float>) {
        let (H, pw, depth) = (hidden, panelWidth, gates * hidden)
        let packed = FloatBuffer(uninitializedCount: groups * depth * pw)
        isa.packPanels(transposed: false, b: weight, ldb: H, depth: depth, n: H, into: packed.pointer)
        backward = packed
    }

    /// Worker `w` of `workers` owns panels `groups·w/workers ..< groups·(w+1)/workers`: these units
    /// (clipped to H) and the forward blocks that cover them.
    func share(_ w: Int, of workers: Int) -> (units: Range<Int>, blocks: Range<Int>, groups: Range<Int>) {
        let g = (groups * w / workers)..<(groups * (w + 1) / workers)
        let units = min(g.lowerBound * panelWidth, hidden)..<min(g.upperBound * panelWidth, hidden)
        let perGroup = panelWidth / blockUnits
        return (units, (g.lowerBound * perGroup)..<min(g.upperBound * perGroup, blocks), g)
    }
}
