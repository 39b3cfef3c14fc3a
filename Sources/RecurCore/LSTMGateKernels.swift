import RecurKernelsAVX2
import RecurKernelsAVX512

extension Kernels {
    /// The LSTM's gates from their pre-activations, fused in one pass per row, in the
    /// ``Build`` this CPU runs (``LSTMGates``; the builds give the same bits).
    ///
    /// Per row r: `gx`, `gh` `[4H]` (gates i, f, g, o); `cPrevious`, `c`, `h` `[H]`;
    /// `cache` `[5H]` = i, f, g, o, tanh(c), where i, f, o = σ(gx + gh), g = tanh(gx + gh),
    /// c = f ⊙ c₋₁ + i ⊙ g and h = o ⊙ tanh(c).
    public static func lstmGatesForward(rows: Int, hidden: Int, gx: UnsafePointer<Float>, gh: UnsafeMutablePointer<Float>,
                                        cPrevious: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                                        h: UnsafeMutablePointer<Float>, cache: UnsafeMutablePointer<Float>) {
        switch Build.current {
        case .avx512: RecurKernelsAVX512.LSTMGates.forward(rows: rows, hidden: hidden, gx: gx, gh: gh, cPrevious: cPrevious, c: c, h: h, cache: cache)
        case .avx2: RecurKernelsAVX2.LSTMGates.forward(rows: rows, hidden: hidden, gx: gx, gh: gh, cPrevious: cPrevious, c: c, h: h, cache: cache)
        case .baseline: RecurCore.LSTMGates.forward(rows: rows, hidden: hidden, gx: gx, gh: gh, cPrevious: cPrevious, c: c, h: h, cache: cache)
        }
    }

    /// The backward of ``lstmGatesForward(rows:hidden:gx:gh:cPrevious:c:h:cache:)``: from ∂h and ∂c
    /// of the next state `[H]` per row, ∂ of the pre-activations `gradGates` `[4H]` and
    /// ∂c₋₁ = ∂c ⊙ f, where ∂c = ∂c_next + ∂h ⊙ o ⊙ (1 − tanh²c).
    public static func lstmGatesBackward(rows: Int, hidden: Int, cache: UnsafePointer<Float>, cPrevious: UnsafePointer<Float>,
                                         gradH: UnsafePointer<Float>, gradC: UnsafePointer<Float>,
                                         gradGates: UnsafeMutablePointer<Float>, gradCPrevious: UnsafeMutablePointer<Float>) {
        switch Build.current {
        case .avx512: RecurKernelsAVX512.LSTMGates.backward(rows: rows, hidden: hidden, cache: cache, cPrevious: cPrevious, gradH: gradH, gradC: gradC, gradGates: gradGates, gradCPrevious: gradCPrevious)
        case .avx2: RecurKernelsAVX2.LSTMGates.backward(rows: rows, hidden: hidden, cache: cache, cPrevious: cPrevious, gradH: gradH, gradC: gradC, gradGates: gradGates, gradCPrevious: gradCPrevious)
        case .baseline: RecurCore.LSTMGates.backward(rows: rows, hidden: hidden, cache: cache, cPrevious: cPrevious, gradH: gradH, gradC: gradC, gradGates: gradGates, gradCPrevious: gradCPrevious)
        }
    }
}
