/// Finding `h_t = a_t ⊙ h_{t−1} + b_t` in a traced step.
///
/// Each node that reads the (single) state is written as `a ⊙ h + b`, with a and b built from
/// values that do not read it (x_t, parameters, hoisted nodes): h itself is (1, 0), and
///
///     (a, b) ± q = (a, b ± q)         q − (a, b) = (−a, q − b)       (a₁, b₁) ± (a₂, b₂) = (a₁ ± a₂, b₁ ± b₂)
///     (a, b) ⊙ q = (a ⊙ q, b ⊙ q)     (a, b)·s = (a s, b s)          s − (a, b) = (−a, s − b)
///
/// Any other operation on h (a nonlinearity, a product of two h terms, a matrix product)
/// means the step is not affine in h and it runs step by step.
extension TracedSequence {
    /// Either coefficient, with 1 and 0 kept symbolic until a value is needed.
    enum Coefficient {
        case zero, one
        /// `nil` in a dry run (deciding the plan without values).
        case value(Variable?)
    }

    struct AffineForm {
        /// `[T·B, H]` each; `nil` in a dry run.
        let a: Variable?, b: Variable?
    }

    /// The affine form of the next state over all steps, or `nil` when the step is not affine in
    /// a single state whose next value is also the output. `wholeValue` (`nil` for a dry run)
    /// gives the all-steps value of anything that does not read the state.
    static func affineRecurrence(_ trace: StepTrace, live: [Int], wholeValue: ((TraceValue) -> Variable)?,
                                 rows: Int) -> AffineForm? {
        guard trace.stateSizes.count == 1, trace.nextState[0] == trace.output,
              case .node(let last) = trace.output, trace.readsState[last] else { return nil }
        let width = trace.stateSizes[0], dry = wholeValue == nil
        let stateShape = [StepTrace.traceBatch, width]

        func materialise(_ c: Coefficient) -> Variable? {
            if dry { return nil }
            switch c {
            case .zero: return Variable(Tensor(zeros: [rows, width]))
            case .one: return Variable(Tensor(shape: [rows, width], repeating: 1))
            case .value(let v): return v!.shape == [rows, width] ? v : Variable(Tensor(zeros: [rows, width])) + v!
            }
        }
        func plus(_ p: Coefficient, _ q: Coefficient) -> Coefficient {
            if case .zero = p { return q }
            if case .zero = q { return p }
            return .value(dry ? nil : materialise(p)! + materialise(q)!)
        }
        func times(_ p: Coefficient, _ q: Variable?) -> Coefficient {
            switch p {
            case .zero: return .zero
            case .one: return .value(q)
            case .value(let v): return .value(dry ? nil : v! * q!)
            }
        }
        func scaled(_ p: Coefficient, _ s: Float) -> Coefficient {
            switch p {
            case .zero: return .zero
            case .one: return .value(dry ? nil : materialise(.one)! * s)
            case .value(let v): return .value(dry ? nil : v! * s)
            }
        }
        func shifted(_ p: Coefficient, _ s: Float) -> Coefficient { .value(dry ? nil : materialise(p)! + s) }

        var forms: [Int: (a: Coefficient, b: Coefficient)] = [:]
        /// The operand as h's coefficients, if it reads h.
        func affine(_ v: TraceValue) -> (a: Coefficient, b: Coefficient)? {
            switch v {
            case .state: return (.one, .zero)
            case .node(let i) where trace.readsState[i]: return forms[i]
            default: return nil
            }
        }
        /// The operand's value over all steps, if it is free of h and usable as a coefficient.
        func free(_ v: TraceValue) -> Variable?? {
            if case .node(let i) = v, trace.timing[i] == .perStep { return .none }
            let shape = trace.shape(of: v)
            let varies: Bool
            switch v {
            case .input: varies = true
            case .node(let i): varies = trace.timing[i] == .hoisted
            default: varies = false
            }
            let fits = varies ? shape == stateShape
                : (shape.last ?? 1) <= width && (shape == [] || shape == [width] || shape == [1] || shape == [1, width] || shape == [1, 1])
            guard fits else { return .none }
            return .some(wholeValue?(v))
        }

        for i in live where trace.readsState[i] {
            let node = trace.nodes[i]
            guard trace.shapes[i] == stateShape else { return nil }
            let operands = node.inputs
            switch node.op {
            case .add, .sub:
                let left = affine(operands[0]), right = affine(operands[1])
                let sign: Float = node.op == .add ? 1 : -1
                switch (left, right) {
                case let (l?, r?):
                    forms[i] = sign > 0 ? (plus(l.a, r.a), plus(l.b, r.b)) : (plus(l.a, scaled(r.a, -1)), plus(l.b, scaled(r.b, -1)))
                case let (l?, nil):
                    guard let q = free(operands[1]) else { return nil }
                    forms[i] = (l.a, plus(l.b, sign > 0 ? .value(q) : scaled(.value(q), -1)))
                case let (nil, r?):
                    guard let q = free(operands[0]) else { return nil }
                    forms[i] = sign > 0 ? (r.a, plus(r.b, .value(q))) : (scaled(r.a, -1), plus(.value(q), scaled(r.b, -1)))
                default: return nil
                }
            case .mul:
                let left = affine(operands[0]), right = affine(operands[1])
                switch (left, right) {
                case let (l?, nil):
                    guard let q = free(operands[1]) else { return nil }
                    forms[i] = (times(l.a, q), times(l.b, q))
                case let (nil, r?):
                    guard let q = free(operands[0]) else { return nil }
                    forms[i] = (times(r.a, q), times(r.b, q))
                default: return nil
                }
            case .scale(let s):
                guard let p = affine(operands[0]) else { return nil }
                forms[i] = (scaled(p.a, s), scaled(p.b, s))
            case .addScalar(let s):
                guard let p = affine(operands[0]) else { return nil }
                forms[i] = (p.a, shifted(p.b, s))
            case .rsubScalar(let s):
                guard let p = affine(operands[0]) else { return nil }
                forms[i] = (scaled(p.a, -1), shifted(scaled(p.b, -1), s))
            default:
                return nil
            }
        }
        guard let form = forms[last] else { return nil }
        return AffineForm(a: materialise(form.a), b: materialise(form.b))
    }
}
