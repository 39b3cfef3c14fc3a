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
    /// Rows looked up in a table (``HoistedLookup`` read in place by a sum): row r at time t is
    /// table row `index[t·perTime + r]` from `base`, or `zero` for −1. Only a sum reads these,
    /// through ``row(_:_:_:)``.
    var index: UnsafePointer<Int32>?
    var zero: UnsafePointer<Float>?

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

    /// Row r at step k, time t (a looked-up row for an indexed locator).
    @inline(__always)
    func row(_ r: Int, _ k: Int, _ t: Int) -> UnsafePointer<Float> {
        if let index {
            let c = Int(index[t &* perTime &+ r])
            return c < 0 ? zero! : UnsafePointer(base + c &* rowStride)
        }
        return UnsafePointer(at(k, t) + r &* rowStride)
    }

    /// Columns from `start` of these rows, read with the rows' own stride (a view's window).
    func window(from start: Int, rowStride: Int) -> StepLocator {
        var window = self
        window.base += start
        window.rowStride = rowStride
        return window
    }
}
