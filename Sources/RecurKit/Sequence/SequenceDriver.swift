/// Runs one cell over a batch of sequences in one direction.
///
/// Layout is time-major: `input` `[T, B, X]`, `mask` `[T, B]` (1 = real step, 0 = padding),
/// output `[T, B, H]`. At a padded step the state is carried unchanged and the output is zero,
/// so the final state of each sequence is its state after its own last valid step — in either
/// direction (the reverse pass starts from the initial state and meets padding first).
public enum SequenceDriver {
    /// How to run a cell.
    public enum Path: String, Sendable, Codable {
        /// The cell's fused kernel when it has one, else ``generic``.
        case fused
        /// Autodiff through the traced step (``genericPlan(for:)``): x-only work hoisted out of
        /// the loop, an affine recurrence run as a scan, the plain step loop when the trace fails.
        case generic
        /// Autodiff through `cell.step`, one step at a time, untraced (the reference).
        case plain
    }

    /// `recompute` K > 0 keeps states only every K steps and recomputes the rest in backward
    /// (``RecomputingSequencePath``); it needs the fused path of a cell that offers one
    /// (``StackConfig/checkRecompute(cells:)`` says so before a run starts).
    public static func run(_ cell: any Cell, input: Variable, initialState: [Variable], mask: Tensor? = nil,
                           reverse: Bool = false, path: Path = .fused, recompute: Int = 0) -> (output: Variable, state: [Variable]) {
        precondition(input.value.rank == 3 && input.shape[2] == cell.inputSize,
                     "SequenceDriver: input \(input.shape) does not match [T, B, \(cell.inputSize)]")
        if let mask {
            precondition(mask.shape == [input.shape[0], input.shape[1]],
                         "SequenceDriver: mask \(mask.shape) does not match input \(input.shape)")
        }
        if recompute > 0 {
            guard path == .fused, let segmented = cell.fusedPath as? any RecomputingSequencePath else {
                preconditionFailure("SequenceDriver: recompute \(recompute) needs a fused path with recomputation, which \(type(of: cell)) on the \(path) path has not")
            }
            return segmented.run(input: input, initialState: initialState, mask: mask, reverse: reverse, segment: recompute)
        }
        if path == .fused, let fused = cell.fusedPath {
            return fused.run(input: input, initialState: initialState, mask: mask, reverse: reverse)
        }
        // One step has nothing to hoist; tracing would only add two trial steps.
        if path != .plain && input.shape[0] > 1, case .success(let trace) = StepTrace.trace(cell) {
            return TracedSequence(trace).run(input: input, initialState: initialState, mask: mask, reverse: reverse)
        }
        return stepLoop(cell, input: input, initialState: initialState, mask: mask, reverse: reverse)
    }

    /// How the generic path runs `cell`, in words: `scan` (x-only work hoisted, the recurrence
    /// as one linear scan), `compiled` (x-only work hoisted, the rest one compiled node over all
    /// steps), `hoisted` (the rest per step on the tape) or `plain step loop` with the reason the
    /// trace failed. For tests, `recur check-cell` and curiosity.
    public static func genericPlan(for cell: any Cell) -> String {
        switch StepTrace.trace(cell) {
        case .failure(let reason): return "plain step loop: \(reason)"
        case .success(let trace):
            let plan = TracedSequence(trace)
            if plan.usesScan {
                return "scan: \(plan.hoistedCount) ops hoisted over all steps, h_t = a_t ⊙ h_{t−1} + b_t as one linear scan"
            }
            if plan.program != nil {
                return "compiled: \(plan.hoistedCount) ops hoisted over all steps, \(plan.perStepCount) per step in one node"
            }
            return "hoisted: \(plan.hoistedCount) ops over all steps, \(plan.perStepCount) per step on the tape"
        }
    }

    /// The generic path: autodiff through `cell.step`, one step at a time.
    static func stepLoop(_ cell: any Cell, input: Variable, initialState: [Variable], mask: Tensor?,
                         reverse: Bool) -> (output: Variable, state: [Variable]) {
        let steps = input.shape[0]
        var state = initialState
        var outputs = [Variable?](repeating: nil, count: steps)
        for t in reverse ? Array((0..<steps).reversed()) : Array(0..<steps) {
            var (output, next) = cell.step(input.select(t), state: state)
            if let mask { (output, next) = SequenceDriver.holdPadded(output: output, next: next, state: state, mask: mask, step: t) }
            outputs[t] = output
            state = next
        }
        return (stack(outputs.map { $0! }), state)
    }

    /// At step `t` of `mask` `[T, B]`, rows whose step is padding keep their old `state` and output
    /// zero; real rows take `output` and `next`. Unchanged when the step has no padding.
    static func holdPadded(output: Variable, next: [Variable], state: [Variable], mask: Tensor, step t: Int)
        -> (output: Variable, next: [Variable]) {
        let batch = mask.shape[1]
        let row = Array(mask.scalars[(t * batch)..<((t + 1) * batch)])
        guard row.contains(where: { $0 == 0 }) else { return (output, next) }
        let keep = Variable(Tensor(shape: [batch, 1], scalars: row))
        let hold = Variable(Tensor(shape: [batch, 1], scalars: row.map { 1 - $0 }))
        return (output * keep, zip(next, state).map { new, old in new * keep + old * hold })
    }
}
