/// The generic path over a traced step (``StepTrace``): the products that read only x_t and
/// parameters run once on all `T·B` rows before the loop (one `[T·B, X]·[X, N]` product instead
/// of T small ones), and the rest runs per step as one compiled node (``StepProgram``), the
/// element-wise ops on x_t's products included (``StepTrace/movingElementwiseIntoTheStep(live:)``).
/// When that does not compile, everything x-only is hoisted; a recurrence affine in a single
/// state, `h_t = a_t ⊙ h_{t−1} + b_t` with a and b free of h, then runs as one
/// ``linearScan(a:b:h0:steps:mask:reverse:)``, and any other step as a compiled node of the
/// per-step ops, else on the tape like the plain loop. Values and gradients equal the plain
/// step loop's.
struct TracedSequence {
    let trace: StepTrace
    /// Nodes the output or the next state needs, in recording (topological) order.
    let live: [Int]
    let usesScan: Bool
    /// The per-step remainder as one node, when every per-step op compiles.
    let program: StepProgram?

    init(_ trace: StepTrace) {
        var needed = [Bool](repeating: false, count: trace.nodes.count)
        var pending: [TraceValue] = [trace.output] + trace.nextState
        while let value = pending.popLast() {
            guard case .node(let i) = value, !needed[i] else { continue }
            needed[i] = true
            pending += trace.nodes[i].inputs
        }
        live = needed.indices.filter { needed[$0] }
        let moved = trace.movingElementwiseIntoTheStep(live: live)
        if let program = StepProgram.compile(moved, live: live) {
            self.trace = moved
            self.program = program
            usesScan = false
            return
        }
        self.trace = trace
        usesScan = TracedSequence.affineRecurrence(trace, live: live, wholeValue: nil, rows: 0) != nil
        program = usesScan ? nil : StepProgram.compile(trace, live: live)
    }

    var hoistedCount: Int { live.filter { trace.timing[$0] == .hoisted }.count }
    var perStepCount: Int { live.filter { trace.timing[$0] == .perStep }.count }

    func run(input: Variable, initialState: [Variable], mask: Tensor?, reverse: Bool) -> (output: Variable, state: [Variable]) {
        let steps = input.shape[0], batch = input.shape[1]
        let flatInput = input.reshaped([steps * batch, input.shape[2]])
        var whole = [Variable?](repeating: nil, count: trace.nodes.count)
        func wholeValue(_ value: TraceValue) -> Variable {
            switch value {
            case .input: return flatInput
            case .parameter(let i): return trace.parameters[i]
            case .node(let i): return whole[i]!
            case .state: preconditionFailure("TracedSequence: a hoisted node reads the state")
            }
        }
        // One-hot input: the program reads its products as table rows (``HoistedLookup``).
        let lookups = program == nil ? [:] : HoistedLookup.find(in: trace, live: live, flatInput: flatInput)
        for i in live where trace.timing[i] != .perStep && lookups[i] == nil {
            whole[i] = trace.nodes[i].op.apply(trace.nodes[i].inputs.map(wholeValue))
        }
        if usesScan, let form = TracedSequence.affineRecurrence(trace, live: live, wholeValue: wholeValue, rows: steps * batch),
           let a = form.a, let b = form.b {
            let states = linearScan(a: a, b: b, h0: initialState[0], steps: steps, mask: mask, reverse: reverse)
            var output = states
            if let mask, mask.scalars.contains(0) {
                let width = initialState[0].shape[1]
                let keep = Tensor.make(states.shape) { o in
                    for r in 0..<(steps * batch) { (o + r * width).update(repeating: mask.scalars[r], count: width) }
                }
                output = states * Variable(keep)
            }
            return (output, [states.select(reverse ? 0 : steps - 1)])
        }
        if let program {
            return program.run(input: input, flatInput: flatInput, whole: whole, lookups: lookups, initialState: initialState,
                               mask: mask, reverse: reverse)
        }
        return stepLoop(input: input, initialState: initialState, mask: mask, reverse: reverse, whole: whole)
    }

    /// The per-step remainder, on the tape like the plain loop (masking as ``SequenceDriver``).
    private func stepLoop(input: Variable, initialState: [Variable], mask: Tensor?, reverse: Bool,
                          whole: [Variable?]) -> (output: Variable, state: [Variable]) {
        let steps = input.shape[0], batch = input.shape[1]
        var state = initialState
        var outputs = [Variable?](repeating: nil, count: steps)
        var local = [Variable?](repeating: nil, count: trace.nodes.count)
        for t in reverse ? Array((0..<steps).reversed()) : Array(0..<steps) {
            var x: Variable?
            var rows: [Int: Variable] = [:]
            func value(_ v: TraceValue) -> Variable {
                switch v {
                case .input:
                    if x == nil { x = input.select(t) }
                    return x!
                case .state(let i): return state[i]
                case .parameter(let i): return trace.parameters[i]
                case .node(let i):
                    switch trace.timing[i] {
                    case .constant: return whole[i]!
                    case .perStep: return local[i]!
                    case .hoisted:
                        if let r = rows[i] { return r }
                        let r = whole[i]!.slice(axis: 0, start: t * batch, length: batch)
                        rows[i] = r
                        return r
                    }
                }
            }
            for i in live where trace.timing[i] == .perStep {
                local[i] = trace.nodes[i].op.apply(trace.nodes[i].inputs.map(value))
            }
            var output = value(trace.output)
            var next = trace.nextState.map(value)
            if let mask { (output, next) = SequenceDriver.holdPadded(output: output, next: next, state: state, mask: mask, step: t) }
            outputs[t] = output
            state = next
        }
        return (stack(outputs.map { $0! }), state)
    }
}
