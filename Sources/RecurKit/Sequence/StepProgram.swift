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
///
/// A class, not a struct: the loops' closures capture it, and copying a struct of this many
/// arrays and dictionaries retained each of them per call (4% of a minGRU step in `swift_retain`).
final class StepProgram {
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
        /// For an add (of two operands, or more when a chain folded, ``SumSharing``): the order
        /// of its additions as a postfix program, k ≥ 0 pushing operand k and −1 adding the top two.
        var order: [Int] = []
    }

    let trace: StepTrace
    let instructions: [Instruction]
    /// Column offset of each per-step node's gradient within one step's block (in units of B
    /// floats); a node that shares a sum's gradient or lives in a kept ∂y has none.
    let offsets: [Int: Int]
    let blockWidth: Int
    /// The per-step nodes whose values are kept for every step (``storedOffsets``, columns of
    /// a `[T, B, storedWidth]` block): products, and the per-step left factors of products
    /// (their ∂M is one product over all steps after the sweep). Every other node lives in one
    /// step's scratch block (``scratchOffsets``) and backward recomputes it from the kept
    /// values and the states: an element-wise op costs less to redo in cache than to write
    /// out and read back (an LSTM kept about 25·H floats per row and step, now its 4·H gate
    /// products and its 2·H of state).
    let storedOffsets: [Int: Int]
    let storedWidth: Int
    let scratchOffsets: [Int: Int]
    let scratchWidth: Int
    /// Slices that are no instruction but a window on their operand's rows: node i is columns
    /// `start ..< start + width` of `root` (row stride: the root's width). A gate block cut from
    /// `[B, G·H]` was a copy forward (and again in the recomputation) and an add backward.
    /// Taken only where every consumer is an element-wise op or a slice, whose loops take a
    /// row stride; a product, a concatenation, the output and the next state keep a copy.
    let views: [Int: (root: TraceValue, start: Int)]

    /// Flattened sums' shared gradient memory (``SumSharing``).
    let sharing: SumSharing
    /// Products whose ∂y backward keeps for every step, for one ∂W product after the sweep
    /// (their left factor is a state or a kept per-step node).
    let deferredProducts: Set<Int>

    init(trace: StepTrace, instructions: [Instruction], offsets: [Int: Int], blockWidth: Int, storedOffsets: [Int: Int],
         storedWidth: Int, scratchOffsets: [Int: Int], scratchWidth: Int, views: [Int: (root: TraceValue, start: Int)],
         sharing: SumSharing, deferredProducts: Set<Int>) {
        self.sharing = sharing
        self.deferredProducts = deferredProducts
        self.trace = trace
        self.instructions = instructions
        self.offsets = offsets
        self.blockWidth = blockWidth
        self.storedOffsets = storedOffsets
        self.storedWidth = storedWidth
        self.scratchOffsets = scratchOffsets
        self.scratchWidth = scratchWidth
        self.views = views
    }

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
        var viewable = Set<Int>()
        for i in live where trace.timing[i] == .perStep {
            if case .slice(let axis, _, _) = trace.nodes[i].op, axis == 1 || axis == -1, isRows(trace.nodes[i].inputs[0]) {
                viewable.insert(i)
            }
        }
        for v in [trace.output] + trace.nextState { if case .node(let i) = v { viewable.remove(i) } }
        for i in live where trace.timing[i] == .perStep {
            switch trace.nodes[i].op {
            case .add, .sub, .mul, .div, .scale, .addScalar, .rsubScalar, .tanh, .sigmoid, .relu, .exp, .log, .slice: continue
            case .matmul, .concat, .layerNorm: for case .node(let j) in trace.nodes[i].inputs { viewable.remove(j) }
            }
        }
        var views: [Int: (root: TraceValue, start: Int)] = [:]
        for i in live where trace.timing[i] == .perStep {
            let node = trace.nodes[i], out = trace.shapes[i]
            guard out.count == 2, out[0] == batch else { return nil }
            let width = out[1]
            if viewable.contains(i), case .slice(_, let start, _) = node.op {
                guard rowShape(node.inputs[0]) else { return nil }
                if case .node(let j) = node.inputs[0], let inner = views[j] { views[i] = (inner.root, inner.start + start) }
                else { views[i] = (node.inputs[0], start) }
                continue
            }
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
            instructions.append(Instruction(node: i, op: node.op, operands: operands, width: width))
        }
        instructions = SumSharing.flattened(instructions, uses: SumSharing.uses(instructions, trace: trace, views: views), views: views)
        // Products whose left factor is kept for every step: backward keeps their ∂y for one
        // ∂W product after the sweep.
        var deferred = Set<Int>()
        for instruction in instructions {
            guard case .matmul = instruction.op, case .rows(let v) = instruction.operands[0] else { continue }
            switch v {
            case .state: deferred.insert(instruction.node)
            case .node(let i) where trace.timing[i] == .perStep: deferred.insert(instruction.node)
            default: continue
            }
        }
        let sharing = SumSharing(instructions, uses: SumSharing.uses(instructions, trace: trace, views: views), views: views,
                                 deferred: deferred)
        for instruction in instructions where sharing.gradientAlias[instruction.node] == nil && sharing.homes[instruction.node] == nil {
            offsets[instruction.node] = blockWidth
            blockWidth += instruction.width
        }
        var kept = Set<Int>()
        for instruction in instructions {
            guard case .matmul = instruction.op else { continue }
            kept.insert(instruction.node)
            if case .rows(.node(let i)) = instruction.operands[0], trace.timing[i] == .perStep { kept.insert(i) }
        }
        var storedOffsets: [Int: Int] = [:], scratchOffsets: [Int: Int] = [:]
        var storedWidth = 0, scratchWidth = 0
        for instruction in instructions {
            if kept.contains(instruction.node) {
                storedOffsets[instruction.node] = storedWidth
                storedWidth += instruction.width
            } else {
                scratchOffsets[instruction.node] = scratchWidth
                scratchWidth += instruction.width
            }
        }
        return StepProgram(trace: trace, instructions: instructions, offsets: offsets, blockWidth: blockWidth,
                           storedOffsets: storedOffsets, storedWidth: storedWidth,
                           scratchOffsets: scratchOffsets, scratchWidth: scratchWidth, views: views,
                           sharing: sharing, deferredProducts: deferred)
    }

    func width(of v: TraceValue) -> Int { trace.shape(of: v).last ?? 1 }

    /// The distance between two rows of `v` where the loops read it: its root's width for a view.
    func stride(of v: TraceValue) -> Int {
        if case .node(let i) = v, let view = views[i] { return width(of: view.root) }
        return width(of: v)
    }
}
