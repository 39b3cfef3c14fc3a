/// Chains of adds in a compiled step, and the gradient memory their terms can share.
///
/// An LSTM's pre-activation is `(x·W_ih + b_ih) + (h·W_hh + b_hh)`: three adds of `[B, 4H]`,
/// each a pass forward, again in backward's recomputation, and a vector–Jacobian product that
/// copied ∂y into two more zeroed `[B, 4H]` gradients. The generic LSTM spent about a fifth of
/// its element-wise time there, where the fused kernel adds the two products once.
///
/// - An add whose row operand is another add used nowhere else takes that add's terms: one
///   n-ary sum (``StepKernels/sum(_:count:order:orderCount:into:rows:width:)``), one row at a
///   time, its additions in the traced order, so its bits are the chain's. Every add runs as
///   such a sum, two terms or more.
/// - A looked-up product read only by sums (``readOnlyBySums``) is read in place, row by row
///   from its table, instead of gathered into a buffer each step, forward and in backward.
/// - A term used only by one sum has ∂term = ∂sum, so its gradient *is* the sum's: the two
///   share memory and the sum's backward skips it (``SumSharing/gradientAlias``).
/// - A product whose ∂y is kept for one ∂W product after the sweep (its left factor is stored)
///   gets that keeping buffer as the gradient memory of the node its ∂y lives in
///   (``SumSharing/homes``), instead of a slot in the step's block and a copy per step.
struct SumSharing {
    /// Node → the node whose gradient memory it shares (a sum it is the single-use term of).
    /// Per-step nodes are resolved at compile time; a looked-up product's rows
    /// (``HoistedLookup``) take theirs at run time, when the lookups are known.
    let gradientAlias: [Int: Int]
    /// Node → the product node whose kept ∂y buffer is its gradient memory.
    let homes: [Int: Int]
    /// Nodes whose every read is as a term of a sum (``StepProgram/Instruction/order``).
    let readOnlyBySums: Set<Int>

    /// Instructions with each single-use add folded into the add that reads it.
    static func flattened(_ instructions: [StepProgram.Instruction], uses: [Int: Int],
                          views: [Int: (root: TraceValue, start: Int)]) -> [StepProgram.Instruction] {
        var index: [Int: Int] = [:]
        var result: [StepProgram.Instruction] = []
        var folded = Set<Int>()
        for instruction in instructions {
            guard case .add = instruction.op else {
                index[instruction.node] = result.count
                result.append(instruction)
                continue
            }
            var operands: [StepProgram.Operand] = []
            var order: [Int] = []
            for operand in instruction.operands {
                if case .rows(.node(let j)) = operand, views[j] == nil, uses[j] == 1, let at = index[j], case .add = result[at].op {
                    let inner = result[at]
                    order += inner.order.map { $0 < 0 ? $0 : $0 + operands.count }
                    operands += inner.operands
                    folded.insert(j)
                } else {
                    order.append(operands.count)
                    operands.append(operand)
                }
            }
            order.append(-1)
            index[instruction.node] = result.count
            result.append(StepProgram.Instruction(node: instruction.node, op: instruction.op, operands: operands, width: instruction.width,
                                                  order: order))
        }
        return result.filter { !folded.contains($0.node) }
    }

    /// How often each node's rows are read: by an instruction (through a view, its root), as
    /// the output, or as a next state.
    static func uses(_ instructions: [StepProgram.Instruction], trace: StepTrace,
                     views: [Int: (root: TraceValue, start: Int)]) -> [Int: Int] {
        var uses: [Int: Int] = [:]
        func use(_ v: TraceValue) {
            var v = v
            if case .node(let i) = v, let view = views[i] { v = view.root }
            if case .node(let i) = v { uses[i, default: 0] += 1 }
        }
        for instruction in instructions {
            for operand in instruction.operands {
                switch operand { case .rows(let v), .constantRow(let v), .matrix(let v): use(v) }
            }
        }
        ([trace.output] + trace.nextState).forEach(use)
        return uses
    }

    init(_ instructions: [StepProgram.Instruction], uses: [Int: Int], views: [Int: (root: TraceValue, start: Int)],
         deferred: Set<Int>) {
        var alias: [Int: Int] = [:]
        for instruction in instructions {
            guard case .add = instruction.op else { continue }
            for case .rows(.node(let j)) in instruction.operands where views[j] == nil && uses[j] == 1 {
                alias[j] = instruction.node
            }
        }
        var homes: [Int: Int] = [:]
        for instruction in instructions where deferred.contains(instruction.node) {
            var root = instruction.node
            while let next = alias[root] { root = next }
            if homes[root] == nil { homes[root] = instruction.node }
        }
        gradientAlias = alias
        self.homes = homes
        var sumReads: [Int: Int] = [:]
        for instruction in instructions {
            guard case .add = instruction.op else { continue }
            for case .rows(.node(let j)) in instruction.operands where views[j] == nil { sumReads[j, default: 0] += 1 }
        }
        readOnlyBySums = Set(sumReads.filter { uses[$0.key] == $0.value }.keys)
    }
}
