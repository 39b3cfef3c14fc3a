/// The LSTM's gate arithmetic, one pass over each row of pre-activations, in one source compiled
/// three times like ``ElementwiseMath`` (RecurCore: baseline x86-64; RecurKernelsAVX512 /
/// RecurKernelsAVX2). The fused LSTM kernel calls it per tile of 8–64 hidden units, where five
/// separate buffer passes per row cost more in calls than in arithmetic.
///
/// Layout per row r: pre-activations `gx`, `gh` `[4H]` (gates i, f, g, o side by side), states
/// `[H]`, cache `[5H]` = i, f, g, o, tanh(c). Every step is one IEEE operation, so the builds give
/// the same bits.
public enum LSTMGates: SixteenLanes {
    typealias V = SIMD16<Float>

    /// i, f, o = σ(gx + gh), g = tanh(gx + gh) per gate block; c = f ⊙ c₋₁ + i ⊙ g; h = o ⊙ tanh(c).
    /// `gh` is only read.
    ///
    /// One simple loop per gate block rather than one loop over all of them: with several tanh
    /// bodies in one loop the optimiser spilled and half-scalarised it (3× slower, perf). Each
    /// loop forms gx + gh itself; a pass adding them first cost a read and a write of `4H` floats
    /// per row more.
    public static func forward(rows: Int, hidden H: Int, gx: UnsafePointer<Float>, gh: UnsafeMutablePointer<Float>,
                               cPrevious: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                               h: UnsafeMutablePointer<Float>, cache: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let x = gx + r * 4 * H, pre = UnsafePointer(gh + r * 4 * H), act = cache + r * 5 * H
            sigmoid(x, pre, into: act, count: 2 * H)
            tanh(x + 2 * H, pre + 2 * H, into: act + 2 * H, count: H)
            sigmoid(x + 3 * H, pre + 3 * H, into: act + 3 * H, count: H)
            cell(i: act, f: act + H, g: act + 2 * H, o: act + 3 * H, tanhC: act + 4 * H,
                 cPrevious: cPrevious + r * H, c: c + r * H, h: h + r * H, count: H)
        }
    }

    // One call site of σ and tanh per function: with two in one function the optimiser stopped
    // inlining σ and called it per vector (9% of an LSTM step, perf).
    /// σ(a + b).
    @inline(never)
    static func sigmoid(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        ElementwiseMath.mapSum(a, b, dst, count) { ElementwiseMath.sigmoid($0) }
    }

    /// tanh(a + b).
    @inline(never)
    static func tanh(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        ElementwiseMath.mapSum(a, b, dst, count) { ElementwiseMath.tanh($0) }
    }

    /// c = f ⊙ c₋₁ + i ⊙ g, tanh(c), h = o ⊙ tanh(c) over `count` units.
    @inline(__always)
    static func cell(i: UnsafePointer<Float>, f: UnsafePointer<Float>, g: UnsafePointer<Float>, o: UnsafePointer<Float>,
                     tanhC: UnsafeMutablePointer<Float>, cPrevious: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                     h: UnsafeMutablePointer<Float>, count: Int) {
        var j = 0
        while j + 16 <= count {
            let cv = load(f + j) * load(cPrevious + j) + load(i + j) * load(g + j)
            let tc = ElementwiseMath.tanh(cv)
            store(cv, c + j)
            store(tc, tanhC + j)
            store(load(o + j) * tc, h + j)
            j += 16
        }
        while j < count {
            let cv = f[j] * cPrevious[j] + i[j] * g[j]
            let tc = ElementwiseMath.tanh(V(repeating: cv))[0]
            c[j] = cv
            tanhC[j] = tc
            h[j] = o[j] * tc
            j += 1
        }
    }

    /// From ∂h, ∂c of the next state: ∂ of the four pre-activation blocks (`gradGates [4H]` per
    /// row) and ∂c₋₁ = ∂c ⊙ f, where ∂c = ∂c_next + ∂h ⊙ o ⊙ (1 − tanh²c).
    public static func backward(rows: Int, hidden H: Int, cache: UnsafePointer<Float>, cPrevious: UnsafePointer<Float>,
                                gradH: UnsafePointer<Float>, gradC: UnsafePointer<Float>,
                                gradGates: UnsafeMutablePointer<Float>, gradCPrevious: UnsafeMutablePointer<Float>) {
        let full = H - H % 16
        for r in 0..<rows {
            let act = cache + r * 5 * H
            let dh = gradH + r * H, dc = gradC + r * H, cp = cPrevious + r * H
            let d = gradGates + r * 4 * H, dcp = gradCPrevious + r * H
            var j = 0
            while j < full {
                backwardLanes(act + j, actStride: H, cp + j, dh + j, dc + j, d + j, dStride: H, dcp + j)
                j += 16
            }
            if j < H {
                let n = H - j
                withUnsafeTemporaryAllocation(of: Float.self, capacity: 16 * 13) { buffer in
                    let t = buffer.baseAddress!
                    t.initialize(repeating: 0, count: 16 * 13)
                    for k in 0..<5 { (t + 16 * k).update(from: act + k * H + j, count: n) }
                    (t + 80).update(from: cp + j, count: n)
                    (t + 96).update(from: dh + j, count: n)
                    (t + 112).update(from: dc + j, count: n)
                    backwardLanes(t, actStride: 16, t + 80, t + 96, t + 112, t + 128, dStride: 16, t + 192)
                    for k in 0..<4 { (d + k * H + j).update(from: t + 128 + 16 * k, count: n) }
                    (dcp + j).update(from: t + 192, count: n)
                }
            }
        }
    }

    @inline(__always)
    static func backwardLanes(_ act: UnsafePointer<Float>, actStride a: Int, _ cp: UnsafePointer<Float>,
                              _ dh: UnsafePointer<Float>, _ dcNext: UnsafePointer<Float>,
                              _ d: UnsafeMutablePointer<Float>, dStride s: Int, _ dcPrevious: UnsafeMutablePointer<Float>) {
        let one = V(repeating: 1)
        let i = load(act), f = load(act + a), g = load(act + 2 * a), o = load(act + 3 * a), tc = load(act + 4 * a)
        let dhv = load(dh)
        let dc = load(dcNext) + dhv * o * (one - tc * tc)
        store(dc * g * i * (one - i), d)
        store(dc * load(cp) * f * (one - f), d + s)
        store(dc * i * (one - g * g), d + 2 * s)
        store(dhv * tc * o * (one - o), d + 3 * s)
        store(dc * f, dcPrevious)
    }
}
