/// The per-step remainder of a traced step, compiled to loops over raw buffers and run over the
/// whole sequence as one tape node: forward keeps every step's values (`T × Σ B·width` floats),
/// backward replays the recorded operations' vector–Jacobian products in reverse, step by step,
/// into one reused gradient buffer. No tape node per operation and step, no allocation per step.
///
/// Compiles only what it knows: row-wise values `[B, K]` (x_t, the state, per-step and hoisted
/// nodes), constant rows `[K]` / `[1, K]` broadcast over the batch, products with a constant
/// matrix on the right, slices and concatenation along the feature axis, and the element-wise
/// ops of ``TracedOp`` except layer norm. Anything else keeps the tape replay of
/// ``TracedSequence``.
struct StepProgram {
    /// An operand as the loops see it.
    enum Operand {
        /// `[B, width]` at each step.
        case rows(TraceValue)
        /// One row `[width]` shared by the batch (a parameter or constant node).
        case constantRow(TraceValue)
        /// A constant matrix (the right factor of a product).
        case matrix(TraceValue)
    }

    struct Instruction {
        let node: Int
        let op: TracedOp
        let operands: [Operand]
        let width: Int
    }

    let trace: StepTrace
    let instructions: [Instruction]
    /// Column offset of each per-step node within one step's block (in units of B floats).
    let offsets: [Int: Int]
    let blockWidth: Int

    static func compile(_ trace: StepTrace, live: [Int]) -> StepProgram? {
        let batch = StepTrace.traceBatch
        func isRows(_ v: TraceValue) -> Bool {
            switch v {
            case .input, .state: return true
            case .node(let i): return trace.timing[i] != .constant
            case .parameter: return false
            }
        }
        func rowShape(_ v: TraceValue) -> Bool { let s = trace.shape(of: v); return s.count == 2 && s[0] == batch }
        for v in [trace.output] + trace.nextState where !(isRows(v) && rowShape(v)) { return nil }
        var instructions: [Instruction] = []
        var offsets: [Int: Int] = [:]
        var blockWidth = 0
        for i in live where trace.timing[i] == .perStep {
            let node = trace.nodes[i], out = trace.shapes[i]
            guard out.count == 2, out[0] == batch else { return nil }
            let width = out[1]
            var operands: [Operand] = []
            for v in node.inputs {
                let s = trace.shape(of: v)
                if isRows(v) {
                    guard rowShape(v) else { return nil }
                    operands.append(.rows(v))
                } else if case .matmul = node.op, operands.count == 1 {
                    guard s.count == 2 else { return nil }
                    operands.append(.matrix(v))
                } else {
                    guard s == [width] || s == [1, width] else { return nil }
                    operands.append(.constantRow(v))
                }
            }
            switch node.op {
            case .add, .sub, .mul, .div:
                for (v, o) in zip(node.inputs, operands) { if case .rows = o, trace.shape(of: v) != out { return nil } }
                guard operands.contains(where: { if case .rows = $0 { return true }; return false }) else { return nil }
            case .scale, .addScalar, .rsubScalar, .tanh, .sigmoid, .relu, .exp, .log:
                guard case .rows = operands[0], trace.shape(of: node.inputs[0]) == out else { return nil }
            case .matmul(let transposeA, _):
                guard !transposeA, case .rows = operands[0], case .matrix = operands[1] else { return nil }
            case .slice(let axis, _, _):
                guard axis == 1 || axis == -1, case .rows = operands[0] else { return nil }
            case .concat(let axis):
                guard axis == 1 || axis == -1 else { return nil }
                for o in operands { guard case .rows = o else { return nil } }
            case .layerNorm:
                return nil
            }
            offsets[i] = blockWidth
            blockWidth += width
            instructions.append(Instruction(node: i, op: node.op, operands: operands, width: width))
        }
        return StepProgram(trace: trace, instructions: instructions, offsets: offsets, blockWidth: blockWidth)
    }

    func width(of v: TraceValue) -> Int { trace.shape(of: v).last ?? 1 }
}
