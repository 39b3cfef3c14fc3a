/// Where a compiled step's operand (or its gradient) is at step k, taken at time t:
/// `base + k·perStep + t·perTime + (k mod 2)·perParity`, rows `rowStride` apart (0: one row
/// broadcast over the batch).
///
/// ``StepProgram`` resolves every operand of every instruction to one of these once per run,
/// so the time loop does arithmetic instead of looking each operand up by its ``TraceValue``
/// (dictionary hashing, and a retain and release of the dictionaries per lookup: 2.5–3% of a
/// generic LSTM step).
struct StepLocator {
    var base: UnsafeMutablePointer<Float>
    /// Floats between steps: a value kept for every step, a kept ∂y.
    var perStep = 0
    /// Floats between times: rows of a `[T·B, ·]` operand hoisted whole, and its gradient.
    var perTime = 0
    /// Floats between the two alternating buffers of the state's gradient.
    var perParity = 0
    var rowStride: Int

    init(_ base: UnsafeMutablePointer<Float>, rowStride: Int, perStep: Int = 0, perTime: Int = 0, perParity: Int = 0) {
        self.base = base
        self.rowStride = rowStride
        self.perStep = perStep
        self.perTime = perTime
        self.perParity = perParity
    }

    init(_ base: UnsafePointer<Float>, rowStride: Int, perStep: Int = 0, perTime: Int = 0) {
        self.init(UnsafeMutablePointer(mutating: base), rowStride: rowStride, perStep: perStep, perTime: perTime)
    }

    @inline(__always)
    func at(_ k: Int, _ t: Int) -> UnsafeMutablePointer<Float> {
        base + (k &* perStep &+ t &* perTime &+ (k & 1) &* perParity)
    }

    /// Columns from `start` of these rows, read with the rows' own stride (a view's window).
    func window(from start: Int, rowStride: Int) -> StepLocator {
        var window = self
        window.base += start
        window.rowStride = rowStride
        return window
    }
}
