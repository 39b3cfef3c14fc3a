import Foundation

/// Running a ``StepProgram`` over a sequence, forward and backward.
///
/// Layout: per-step node i keeps all steps together, `[T, B, width_i]` from `offsets[i] · B · T`,
/// in the order the steps are taken (k-th step: t = k, or T−1−k in reverse); state i likewise,
/// `[T + 1, B, S_i]` (entry k is the state before step k, entry T the final state). So the
/// left factor of a per-step product is one `[T·B, K]` matrix over the whole sequence, and its
/// weight gradient is one large product after the backward sweep (as the fused kernels do),
/// not T small ones. The result node's value is the outputs `[T, B, H]` followed by the final
/// states, which the caller slices.
extension StepProgram {
    func run(input: Variable, flatInput: Variable, whole: [Variable?], lookups: [Int: HoistedLookup] = [:], initialState: [Variable],
             mask: Tensor?, reverse: Bool) -> (output: Variable, state: [Variable]) {
        let steps = input.shape[0], batch = input.shape[1]
        let order = reverse ? Array((0..<steps).reversed()) : Array(0..<steps)
        let keep: [Bool]? = mask.map { m in m.scalars.map { $0 != 0 } }

        // Operands that live outside the loop: x, hoisted nodes, parameters and constants.
        var externalIndex: [TraceValue: Int] = [:]
        var externals: [Variable] = []
        func collect(_ v: TraceValue) {
            guard externalIndex[v] == nil else { return }
            if case .node(let i) = v, lookups[i] != nil { return }
            let variable: Variable
            switch v {
            case .input: variable = flatInput
            case .parameter(let i): variable = trace.parameters[i]
            case .node(let i) where trace.timing[i] != .perStep: variable = whole[i]!
            default: return
            }
            externalIndex[v] = externals.count
            externals.append(variable)
        }
        for instruction in instructions {
            for operand in instruction.operands {
                switch operand { case .rows(let v), .constantRow(let v), .matrix(let v): collect(v) }
            }
        }
        ([trace.output] + trace.nextState).forEach(collect)
        views.values.forEach { collect($0.root) }
        let held = externals.map(\.value)
        // The tensors in `held` stay alive (and unmutated) as long as the closures below hold it.
        let pointers = held.map { t in t.withPointer { $0 } }
        // One OpenBLAS thread: the per-step products run on the fused cells' microkernel. With
        // more, OpenBLAS's threads keep them.
        let isa = RecurrentISA.current
        let packed: [PackedStepMatrix?] = instructions.map { instruction in
            guard isa != .blas && BLAS.threads == 1, case .matmul(_, let transposeB) = instruction.op,
                  case .matrix(let mv) = instruction.operands[1] else { return nil }
            let shape = trace.shape(of: mv)
            return PackedStepMatrix(isa: isa, matrix: pointers[externalIndex[mv]!], rows: shape[0], columns: shape[1],
                                    transposed: transposeB, batch: batch)
        }

        let stateSizes = trace.stateSizes
        var stateOffsets: [Int] = []
        var total = 0
        for s in stateSizes { stateOffsets.append(total); total += s }
        let stateStride = batch * total
        let outWidth = width(of: trace.output)

        let kept = UnsafeMutablePointer<Float>.allocate(capacity: max(1, steps * batch * storedWidth))
        let states = UnsafeMutablePointer<Float>.allocate(capacity: (steps + 1) * stateStride)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, batch * scratchWidth))
        defer { scratch.deallocate() }
        let layout = Layout(steps: steps, batch: batch, storedOffsets: storedOffsets, scratchOffsets: scratchOffsets,
                            stateOffsets: stateOffsets, stateSizes: stateSizes, values: kept, states: states, scratch: scratch)
        for (i, s) in initialState.enumerated() {
            s.value.withPointer { layout.state(i, 0).update(from: $0, count: batch * stateSizes[i]) }
        }

        // A looked-up product's rows (``HoistedLookup``): read in place from its table when only
        // sums read them, else gathered for the current step into a buffer.
        let direct = lookups.filter { sharing.readOnlyBySums.contains($0.key) }.mapValues(LookupIndex.init)
        let gathered = lookups.filter { direct[$0.key] == nil }.mapValues { FloatBuffer(uninitializedCount: batch * $0.width) }
        let gathers = gathered.map { (lookups[$0.key]!, $0.value.pointer) }
        let values = Locators(self, layout: layout, direct: direct, gathered: gathered.mapValues(\.pointer),
                              externalIndex: externalIndex, pointers: pointers)
        let nextStates = trace.nextState.map(values.value), output = values.value(trace.output)
        let outputs = Tensor.make([steps, batch, outWidth]) { out in values.operands.withUnsafeBufferPointer { operands in
            for (k, t) in order.enumerated() {
                for (lookup, rows) in gathers { lookup.gather(first: t * batch, count: batch, into: rows) }
                for index in instructions.indices {
                    forward(index, values, operands, k, t, batch: batch, packed: packed[index])
                }
                for i in stateSizes.indices {
                    let width = stateSizes[i]
                    let new = UnsafePointer(nextStates[i].at(k, t))
                    let old = layout.state(i, k)
                    let next = layout.state(i, k + 1)
                    for r in 0..<batch {
                        let real = keep?[t * batch + r] ?? true
                        (next + r * width).update(from: (real ? new : UnsafePointer(old)) + r * width, count: width)
                    }
                }
                let y = output.at(k, t)
                for r in 0..<batch {
                    let o = out + (t * batch + r) * outWidth
                    if keep?[t * batch + r] ?? true { o.update(from: y + r * outWidth, count: outWidth) }
                    else { o.update(repeating: 0, count: outWidth) }
                }
            }
        } }

        // The outputs are the node itself and each final state a node on top of it, rather than
        // slices of one packed result: a slice copied the `[T, B, H]` outputs forward and zeroed
        // and added a gradient of that size backward. A final state's gradient is handed to the
        // program's backward, which runs after it (it is the state node's parent).
        let storage = Storage(values: kept, states: states)
        let finalGradients = FinalStateGradients(count: stateSizes.count)
        let node = Variable.result(outputs, externals + initialState + lookups.values.map(\.weight), "step-program") { g in
            withExtendedLifetime((held, storage)) {
                self.backward(g, layout: layout, order: order, keep: keep, externals: externals, lookups: lookups, direct: direct,
                         packed: packed,
                         externalIndex: externalIndex,
                         pointers: pointers, stateStride: stateStride, outWidth: outWidth, initialState: initialState,
                         finalGradients: finalGradients.gradients)
            }
        }
        let final = stateSizes.indices.map { i in
            let value = Tensor.make([batch, stateSizes[i]]) { $0.update(from: layout.state(i, steps), count: batch * stateSizes[i]) }
            return Variable.result(value, [node], "step-program-state") { g in
                finalGradients.gradients[i] = g
                // Only the final state may be used: the program's backward must run all the same.
                if node.grad == nil { node.accumulateGrad(Tensor(zeros: node.shape)) }
            }
        }
        return (node, final)
    }

    /// y = op(operands) for one step's `batch` rows.
    /// The kernel op of an element-wise ``TracedOp`` (the instruction's op was checked at compile).
    private static func binary(_ op: TracedOp) -> StepKernels.Binary {
        switch op {
        case .add: return .add
        case .sub: return .sub
        case .mul: return .mul
        default: return .div
        }
    }

    private static func unary(_ op: TracedOp) -> (StepKernels.Unary, Float) {
        switch op {
        case .scale(let s): return (.scale, s)
        case .addScalar(let s): return (.addScalar, s)
        case .rsubScalar(let s): return (.rsubScalar, s)
        case .tanh: return (.tanh, 0)
        case .sigmoid: return (.sigmoid, 0)
        case .exp: return (.exp, 0)
        default: return (.relu, 0)
        }
    }

    /// Instruction `index` at step k (time t), its operands and result where `values` puts them
    /// (`operands` is `values.operands`, held by the caller for the whole loop).
    private func forward(_ index: Int, _ values: Locators, _ operands: UnsafeBufferPointer<StepLocator>, _ k: Int, _ t: Int,
                         batch: Int, packed: PackedStepMatrix?) {
        let first = values.first[index]
        forward(instructions[index], values.results[index].at(k, t), batch, packed: packed,
                row: { p, r in operands[first + p].row(r, k, t) }) { p in
            let l = operands[first + p]
            return (UnsafePointer(l.at(k, t)), l.rowStride)
        }
    }

    /// `operand(p)`: operand p's rows at this step and their stride; `row(p, r)`: its row r
    /// (a sum's terms may be rows looked up in a table).
    private func forward(_ instruction: Instruction, _ y: UnsafeMutablePointer<Float>, _ batch: Int, packed: PackedStepMatrix?,
                         row: (Int, Int) -> UnsafePointer<Float>, _ operand: (Int) -> (UnsafePointer<Float>, Int)) {
        let w = instruction.width, n = batch * w
        switch instruction.op {
        case .add:
            let count = instruction.operands.count
            withUnsafeTemporaryAllocation(of: UnsafePointer<Float>.self, capacity: count * batch) { rows in
                for p in 0..<count { for r in 0..<batch { rows[p * batch + r] = row(p, r) } }
                instruction.order.withUnsafeBufferPointer { order in
                    StepKernels.sum(rows.baseAddress!, count: count, order: order.baseAddress!, orderCount: order.count, into: y,
                                    rows: batch, width: w)
                }
            }
        case .sub, .mul, .div:
            let (a, sa) = operand(0), (b, sb) = operand(1)
            StepKernels.binary(Self.binary(instruction.op), a, sa, b, sb, into: y, rows: batch, width: w)
        case .log:
            let (a, sa) = operand(0)
            let (runs, count) = sa == w ? (1, n) : (batch, w)
            for r in 0..<runs {
                let x = a + r * sa, o = y + r * w
                for i in 0..<count { o[i] = Foundation.log(x[i]) }
            }
        case .scale, .addScalar, .rsubScalar, .tanh, .sigmoid, .exp, .relu:
            let (a, sa) = operand(0)
            let (op, s) = Self.unary(instruction.op)
            StepKernels.unary(op, s, a, sa, into: y, rows: batch, width: w)
        case .matmul(_, let transposeB):
            let (a, k) = operand(0)
            guard case .matrix(let mv) = instruction.operands[1] else { return }
            let m = operand(1).0, ms = trace.shape(of: mv)
            if let packed { return packed.product(rows: batch, a: a, lda: k, y: y, ldy: w) }
            BLAS.gemm(transposeA: false, transposeB: transposeB, m: batch, n: w, k: k, a: a, lda: k, b: m, ldb: ms[1], c: y, ldc: w)
        case .slice(_, let start, _):
            let (a, k) = operand(0)
            for r in 0..<batch { (y + r * w).update(from: a + r * k + start, count: w) }
        case .concat:
            var offset = 0
            for p in instruction.operands.indices {
                let (a, k) = operand(p)
                for r in 0..<batch { (y + r * w + offset).update(from: a + r * k, count: k) }
                offset += k
            }
        case .layerNorm:
            preconditionFailure("StepProgram: layer norm is not compiled")
        }
    }

    private func backward(_ g: Tensor, layout forwardLayout: Layout, order: [Int], keep: [Bool]?, externals: [Variable],
                          lookups: [Int: HoistedLookup], direct: [Int: LookupIndex], packed: [PackedStepMatrix?],
                          externalIndex: [TraceValue: Int], pointers: [UnsafePointer<Float>],
                          stateStride: Int, outWidth: Int, initialState: [Variable], finalGradients: [Tensor?]) {
        let steps = forwardLayout.steps, batch = forwardLayout.batch
        var layout = forwardLayout
        layout.scratch = .allocate(capacity: max(1, batch * scratchWidth))
        defer { layout.scratch.deallocate() }
        // ∂y of each product whose left factor is stored whole (a state or a per-step node), per
        // step, for one ∂M product after the sweep (by product node).
        var deferred: [Int: UnsafeMutablePointer<Float>] = [:]
        for instruction in instructions where deferredProducts.contains(instruction.node) {
            deferred[instruction.node] = .allocate(capacity: steps * batch * instruction.width)
        }
        defer { deferred.values.forEach { $0.deallocate() } }
        let lookupBuffers = lookups.mapValues { LookupBuffers($0, batch: batch) }
        withGradients(of: externals[...], []) { externalGrads in
            sweep(g, layout: layout, order: order, keep: keep, externals: externals, lookups: lookups, direct: direct, lookupBuffers: lookupBuffers,
                  packed: packed, externalIndex: externalIndex, pointers: pointers,
                  externalGrads: externalGrads, deferred: deferred, stateStride: stateStride, outWidth: outWidth, initialState: initialState,
                  finalGradients: finalGradients)
        }
        for (i, lookup) in lookups { lookup.addToWeightGradient(lookupBuffers[i]!.table.pointer) }
    }

    /// Runs `body` with a pointer to each variable's gradient (zeros if it had none), so the
    /// sweep adds into them directly: a separate buffer added in afterwards cost a zero fill,
    /// an allocation and a pass over every hoisted `[T·B, ·]` operand. A variable that takes
    /// no gradient gets a throwaway buffer.
    private func withGradients(of variables: ArraySlice<Variable>, _ pointers: [UnsafeMutablePointer<Float>],
                               _ body: ([UnsafeMutablePointer<Float>]) -> Void) {
        guard let first = variables.first else { return body(pointers) }
        if first.requiresGrad {
            first.accumulateGrad { withGradients(of: variables.dropFirst(), pointers + [$0], body) }
        } else {
            let unused = UnsafeMutablePointer<Float>.allocate(capacity: max(1, first.value.count))
            unused.initialize(repeating: 0, count: max(1, first.value.count))
            defer { unused.deallocate() }
            withGradients(of: variables.dropFirst(), pointers + [unused], body)
        }
    }

    private func sweep(_ g: Tensor, layout: Layout, order: [Int], keep: [Bool]?, externals: [Variable],
                       lookups: [Int: HoistedLookup], direct: [Int: LookupIndex], lookupBuffers: [Int: LookupBuffers],
                       packed: [PackedStepMatrix?],
                       externalIndex: [TraceValue: Int], pointers: [UnsafePointer<Float>], externalGrads: [UnsafeMutablePointer<Float>],
                       deferred: [Int: UnsafeMutablePointer<Float>], stateStride: Int, outWidth: Int, initialState: [Variable],
                       finalGradients: [Tensor?]) {
        let steps = layout.steps, batch = layout.batch, stateOffsets = layout.stateOffsets
        let block = batch * blockWidth
        let grads = UnsafeMutablePointer<Float>.allocate(capacity: max(1, block))
        // The state's gradient alternates between two buffers: at step k, ∂ of the state after
        // the step is read from one (`next(k)`) while ∂ of the state before it is added into the
        // other (`previous(k)`).
        let stateGrads = UnsafeMutablePointer<Float>.allocate(capacity: 2 * stateStride)
        defer { grads.deallocate(); stateGrads.deallocate() }
        func previous(_ k: Int) -> UnsafeMutablePointer<Float> { stateGrads + (k & 1) * stateStride }
        func next(_ k: Int) -> UnsafeMutablePointer<Float> { stateGrads + ((k + 1) & 1) * stateStride }
        /// The sum whose gradient memory node i shares, if it does: a per-step node always, a
        /// looked-up product's rows when it is looked up (hoisted whole, its gradient is the
        /// caller's `[T·B, ·]` and must be added to).
        func shared(_ i: Int) -> Int? {
            guard let sum = sharing.gradientAlias[i], trace.timing[i] == .perStep || lookupBuffers[i] != nil else { return nil }
            return sum
        }
        func gradient(_ v: TraceValue) -> StepLocator {
            if case .node(let i) = v, let view = views[i] { return gradient(view.root).window(from: view.start, rowStride: width(of: view.root)) }
            if case .node(let i) = v, let sum = shared(i) { return gradient(.node(sum)) }
            if case .node(let i) = v, let product = sharing.homes[i] {
                let w = width(of: .node(product))
                return StepLocator(deferred[product]!, rowStride: w, perStep: batch * w)
            }
            if case .node(let i) = v, let buffers = lookupBuffers[i] { return StepLocator(buffers.gradient.pointer, rowStride: width(of: v)) }
            switch v {
            case .state(let i): return StepLocator(stateGrads + stateOffsets[i] * batch, rowStride: width(of: v), perParity: stateStride)
            case .node(let i) where trace.timing[i] == .perStep: return StepLocator(grads + offsets[i]! * batch, rowStride: width(of: v))
            default: return StepLocator(externalGrads[externalIndex[v]!], rowStride: width(of: v), perTime: batch * width(of: v))
            }
        }
        let values = Locators(self, layout: layout, direct: direct,
                              gathered: lookupBuffers.filter { direct[$0.key] == nil }.mapValues(\.rows.pointer),
                              externalIndex: externalIndex, pointers: pointers)
        let gradients: [StepLocator] = instructions.flatMap { instruction in
            instruction.operands.map { operand in
                switch operand {
                case .rows(let v): return gradient(v)
                case .constantRow(let v), .matrix(let v): return StepLocator(externalGrads[externalIndex[v]!], rowStride: 0)
                }
            }
        }
        let results = instructions.map { gradient(.node($0.node)) }
        let nextStates = trace.nextState.map(gradient), output = gradient(trace.output)
        let homes = sharing.homes.values.map { (deferred[$0]!, batch * width(of: .node($0))) }
        let kept = instructions.map { deferred[$0.node] }
        let recomputed = instructions.indices.filter { scratchOffsets[instructions[$0].node] != nil }
        let lookupSteps = lookups.map { (i, lookup) in (lookup, lookupBuffers[i]!, direct[i] == nil, shared(i) == nil, gradient(.node(i))) }
        g.withPointer { pg in values.operands.withUnsafeBufferPointer { operands in gradients.withUnsafeBufferPointer { operandGrads in
            for (i, gradient) in finalGradients.enumerated() {
                let d = next(steps - 1) + stateOffsets[i] * batch, count = batch * layout.stateSizes[i]
                if let gradient { gradient.withPointer { d.update(from: $0, count: count) } } else { d.update(repeating: 0, count: count) }
            }
            for k in (0..<steps).reversed() {
                let t = order[k]
                let dNext = next(k), dPrev = previous(k)
                grads.update(repeating: 0, count: block)
                dPrev.update(repeating: 0, count: stateStride)
                for (home, count) in homes { (home + k * count).update(repeating: 0, count: count) }
                for (lookup, buffers, gathered, zeroed, _) in lookupSteps {
                    if gathered { lookup.gather(first: t * batch, count: batch, into: buffers.rows.pointer) }
                    if zeroed { buffers.gradient.pointer.update(repeating: 0, count: buffers.gradient.count) }
                }
                for (i, width) in trace.stateSizes.enumerated() {
                    let s = nextStates[i].at(k, t), d = dNext + stateOffsets[i] * batch, carry = dPrev + stateOffsets[i] * batch
                    guard let keep else {
                        StepKernels.accumulate(d, width, into: s, width, rows: batch, width: width)
                        continue
                    }
                    for r in 0..<batch {
                        let target = keep[t * batch + r] ? s : carry
                        StepKernels.accumulate(d + r * width, 0, into: target + r * width, 0, rows: 1, width: width)
                    }
                }
                let so = output.at(k, t)
                if let keep {
                    for r in 0..<batch where keep[t * batch + r] {
                        StepKernels.accumulate(pg + (t * batch + r) * outWidth, 0, into: so + r * outWidth, 0, rows: 1, width: outWidth)
                    }
                } else {
                    StepKernels.accumulate(pg + t * batch * outWidth, outWidth, into: so, outWidth, rows: batch, width: outWidth)
                }
                for index in recomputed { forward(index, values, operands, k, t, batch: batch, packed: packed[index]) }
                for (index, instruction) in instructions.enumerated().reversed() {
                    let first = values.first[index]
                    let stash = kept[index].map { $0 + k * batch * instruction.width }
                    vjp(instruction, gy: UnsafePointer(results[index].at(k, t)), y: UnsafePointer(values.results[index].at(k, t)),
                        batch: batch, stash: stash, packed: packed[index]) { p in
                        let l = operands[first + p]
                        return (UnsafePointer(l.at(k, t)), operandGrads[first + p].at(k, t), l.rowStride)
                    }
                }
                for (lookup, buffers, _, _, gradient) in lookupSteps {
                    lookup.scatter(gradient.at(k, t), first: t * batch, count: batch, into: buffers.table.pointer)
                }
            }
        } } }
        for instruction in instructions {
            guard let stash = deferred[instruction.node], case .matmul(_, let transposeB) = instruction.op, case .rows(let v) = instruction.operands[0],
                  case .matrix(let mv) = instruction.operands[1] else { continue }
            let a: UnsafePointer<Float>
            if case .state(let i) = v { a = UnsafePointer(layout.state(i, 0)) }
            else if case .node(let i) = v { a = UnsafePointer(layout.node(i, 0, width: width(of: v))) }
            else { continue }
            let gm = externalGrads[externalIndex[mv]!], ld = trace.shape(of: mv)[1], k = width(of: v), w = instruction.width
            let rows = steps * batch
            if transposeB {   // M [N, K]: ∂M += Gᵀ·A
                BLAS.gemm(transposeA: true, m: w, n: k, k: rows, a: stash, lda: w, b: a, ldb: k, beta: 1, c: gm, ldc: ld)
            } else {          // M [K, N]: ∂M += Aᵀ·G
                BLAS.gemm(transposeA: true, m: k, n: w, k: rows, a: a, lda: k, b: stash, ldb: w, beta: 1, c: gm, ldc: ld)
            }
        }
        for (i, s) in initialState.enumerated() where s.requiresGrad {
            let src = previous(0) + stateOffsets[i] * batch
            s.accumulateGrad { dst in Kernels.add(dst, src, into: dst, count: s.value.count) }
        }
    }

    /// Adds this step's share of ∂L/∂operand for each operand, given ∂L/∂y.
    /// A product whose `stash` is given leaves ∂M to one product after the sweep: it only keeps ∂y.
    private func vjp(_ instruction: Instruction, gy: UnsafePointer<Float>, y: UnsafePointer<Float>, batch: Int,
                     stash: UnsafeMutablePointer<Float>?, packed: PackedStepMatrix?, _ operand: (Int) -> (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int)) {
        let w = instruction.width, n = batch * w
        switch instruction.op {
        case .add:
            // A term whose gradient memory is the sum's (``SumSharing``) already holds ∂y.
            if instruction.operands.count == 2 {
                let (a, ga, sa) = operand(0), (b, gb, sb) = operand(1)
                if UnsafePointer(ga) != gy && UnsafePointer(gb) != gy {
                    return StepKernels.binaryBackward(.add, gy, a, sa, b, sb, ga, gb, rows: batch, width: w)
                }
            }
            for p in instruction.operands.indices {
                let (_, ga, sa) = operand(p)
                if UnsafePointer(ga) != gy { StepKernels.accumulate(gy, w, into: ga, sa, rows: batch, width: w) }
            }
        case .sub, .mul, .div:
            let (a, ga, sa) = operand(0), (b, gb, sb) = operand(1)
            StepKernels.binaryBackward(Self.binary(instruction.op), gy, a, sa, b, sb, ga, gb, rows: batch, width: w)
        case .log:
            let (a, ga, sa) = operand(0)
            let (runs, count) = sa == w ? (1, n) : (batch, w)
            for r in 0..<runs {
                let x = a + r * sa, dx = ga + r * sa, g = gy + r * w
                for i in 0..<count { dx[i] += g[i] / x[i] }
            }
        case .scale, .addScalar, .rsubScalar, .tanh, .sigmoid, .exp, .relu:
            let (a, ga, sa) = operand(0)
            let (op, s) = Self.unary(instruction.op)
            StepKernels.unaryBackward(op, s, gy, a, sa, output: y, into: ga, rows: batch, width: w)
        case .matmul(_, let transposeB):
            let (a, ga, k) = operand(0)
            guard case .matrix(let mv) = instruction.operands[1] else { return }
            let (m, gm, _) = operand(1)
            let ld = trace.shape(of: mv)[1]
            if let packed {
                packed.transposedProduct(rows: batch, gy: gy, ldg: w, into: ga, lda: k)
            } else if transposeB {   // M [N, K]: ∂a += g·M, ∂M += gᵀ·a
                BLAS.gemm(m: batch, n: k, k: w, a: gy, lda: w, b: m, ldb: ld, beta: 1, c: ga, ldc: k)
            } else {          // M [K, N]: ∂a += g·Mᵀ, ∂M += aᵀ·g
                BLAS.gemm(transposeB: true, m: batch, n: k, k: w, a: gy, lda: w, b: m, ldb: ld, beta: 1, c: ga, ldc: k)
            }
            if let stash { if UnsafePointer(stash) != gy { stash.update(from: gy, count: n) } }
            else if transposeB { BLAS.gemm(transposeA: true, m: w, n: k, k: batch, a: gy, lda: w, b: a, ldb: k, beta: 1, c: gm, ldc: ld) }
            else { BLAS.gemm(transposeA: true, m: k, n: w, k: batch, a: a, lda: k, b: gy, ldb: w, beta: 1, c: gm, ldc: ld) }
        case .slice(_, let start, _):
            let (_, ga, k) = operand(0)
            StepKernels.accumulate(gy, w, into: ga + start, k, rows: batch, width: w)
        case .concat:
            var offset = 0
            for p in instruction.operands.indices {
                let (_, ga, k) = operand(p)
                StepKernels.accumulate(gy + offset, w, into: ga, k, rows: batch, width: k)
                offset += k
            }
        case .layerNorm:
            preconditionFailure("StepProgram: layer norm is not compiled")
        }
    }
}

/// Where each step's values live (see the extension's layout note).
struct Layout {
    let steps: Int, batch: Int
    let storedOffsets: [Int: Int], scratchOffsets: [Int: Int], stateOffsets: [Int], stateSizes: [Int]
    let values: UnsafeMutablePointer<Float>, states: UnsafeMutablePointer<Float>
    /// One step's values of the nodes that are not stored, `[B, scratchWidth]`.
    var scratch: UnsafeMutablePointer<Float>

    func node(_ i: Int, _ k: Int, width: Int) -> UnsafeMutablePointer<Float> {
        if let offset = storedOffsets[i] { return values + offset * batch * steps + k * batch * width }
        return scratch + scratchOffsets[i]! * batch
    }

    func state(_ i: Int, _ k: Int) -> UnsafeMutablePointer<Float> {
        states + stateOffsets[i] * batch * (steps + 1) + k * batch * stateSizes[i]
    }
}

/// One looked-up product's buffers in backward: the step's rows `[B, N]`, their gradient, and
/// the table's gradient `[V, N]` (zeroed).
final class LookupBuffers {
    let rows: FloatBuffer, gradient: FloatBuffer, table: FloatBuffer
    init(_ lookup: HoistedLookup, batch: Int) {
        rows = FloatBuffer(uninitializedCount: batch * lookup.width)
        gradient = FloatBuffer(uninitializedCount: batch * lookup.width)
        table = FloatBuffer(uninitializedCount: lookup.rows.width * lookup.width)
        table.pointer.update(repeating: 0, count: table.count)
    }
}

/// What reached each final state in backward, for the program's backward (which runs next).
final class FinalStateGradients {
    var gradients: [Tensor?]
    init(count: Int) { gradients = Array(repeating: nil, count: count) }
}

/// The forward values a backward needs, freed with the tape node.
final class Storage {
    let values: UnsafeMutablePointer<Float>, states: UnsafeMutablePointer<Float>
    init(values: UnsafeMutablePointer<Float>, states: UnsafeMutablePointer<Float>) {
        self.values = values
        self.states = states
    }
    deinit {
        values.deallocate()
        states.deallocate()
    }
}

/// Each instruction's operand rows and result as ``StepLocator``s, resolved once per run:
/// instruction i's operands are `operands[first[i]...]`, its result `results[i]`.
struct Locators {
    let operands: [StepLocator]
    let first: [Int]
    let results: [StepLocator]
    private let places: Places

    /// `direct`: looked-up products read in place from their tables; `gathered`: those gathered
    /// into a buffer of the current step's rows (``HoistedLookup``), by node.
    init(_ program: StepProgram, layout: Layout, direct: [Int: LookupIndex], gathered: [Int: UnsafeMutablePointer<Float>],
         externalIndex: [TraceValue: Int], pointers: [UnsafePointer<Float>]) {
        let places = Places(program: program, layout: layout, direct: direct, gathered: gathered,
                            externalIndex: externalIndex, pointers: pointers)
        var operands: [StepLocator] = [], first: [Int] = []
        for instruction in program.instructions {
            first.append(operands.count)
            for operand in instruction.operands {
                switch operand {
                case .rows(let v): operands.append(places.value(v))
                case .constantRow(let v), .matrix(let v): operands.append(StepLocator(pointers[externalIndex[v]!], rowStride: 0))
                }
            }
        }
        self.operands = operands
        self.first = first
        results = program.instructions.map { places.value(.node($0.node)) }
        self.places = places
    }

    /// Where `v`'s rows are.
    func value(_ v: TraceValue) -> StepLocator { places.value(v) }

    /// What a value's place is found from.
    private struct Places {
        let program: StepProgram, layout: Layout
        let direct: [Int: LookupIndex], gathered: [Int: UnsafeMutablePointer<Float>]
        let externalIndex: [TraceValue: Int], pointers: [UnsafePointer<Float>]

        func value(_ v: TraceValue) -> StepLocator {
            let batch = layout.batch, width = program.width(of: v)
            if case .node(let i) = v, let view = program.views[i] {
                return value(view.root).window(from: view.start, rowStride: program.width(of: view.root))
            }
            if case .node(let i) = v, let lookup = direct[i] { return lookup.rows(batch: batch) }
            if case .node(let i) = v, let rows = gathered[i] { return StepLocator(rows, rowStride: width) }
            switch v {
            case .state(let i): return StepLocator(layout.state(i, 0), rowStride: width, perStep: batch * width)
            case .node(let i) where program.trace.timing[i] == .perStep:
                return StepLocator(layout.node(i, 0, width: width), rowStride: width,
                                   perStep: layout.storedOffsets[i] == nil ? 0 : batch * width)
            default: return StepLocator(pointers[externalIndex[v]!], rowStride: width, perTime: batch * width)
            }
        }
    }
}
