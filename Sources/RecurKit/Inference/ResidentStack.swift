/// A ``RecurrentStack`` stepped one token at a time at batch 1, for generation: the weights are
/// packed once into buffers that stay resident (``PackedMatrix``: SIMD panels in fp32 or fp16,
/// chosen by ``ResidentKernel``), every step is a matrix–vector product per weight matrix and
/// the cell's own fused ``GateKernel``, and nothing is allocated and no tape is built per step.
///
/// It exists only for stacks whose cells all have a ``GatedRecurrence`` (``FusedRecurrence``)
/// fused path and that run forwards (no bidirection); ``init(_:)`` returns nil otherwise and the
/// caller keeps the generic path. Per step, layer l computes
///
///     gx = W_ih·x + b_ih    gh = W_hh·h + b_hh    (h, c) = kernel(gx, gh, state)
///     x_{l+1} = h  (+ x_l with residual, layer > 0)
///
/// in the order the fused whole-sequence path does, so its fp32 values equal the training
/// path's to the rounding of a different summation order. Shapes: input `[X]`, each state `[H]`, output `[H]`.
public final class ResidentStack {
    public let inputSize: Int
    public let hiddenSize: Int
    /// G·H of the first layer: the width of ``projectInputs(_:count:into:)``'s rows.
    public let inputGates: Int
    let layers: [ResidentLayer]
    /// One per worker: its parts of every layer (``ResidentWorker``).
    let plans: [ResidentWorker]
    /// The next layer's input when a residual connection adds the previous input to h; two, so
    /// that with two workers one layer's sum never overwrites the input the other worker is
    /// still reading.
    let residualInputs: [FloatBuffer]

    /// The product kernel and the precision the weights are kept in.
    public let kernel: ResidentKernel, precision: ResidentPrecision
    /// Threads that share each step (1 or 2): each owns half the hidden units of every layer,
    /// their rows of every weight matrix and their slice of the gate math.
    public let workers: Int
    let crew: ResidentCrew?
    /// The step ``crew`` runs next: the first layer's projection, or its raw input. Written
    /// before each publish; a pointer rather than a property, so the crew's thread never
    /// touches the stack object.
    private let inbox: UnsafeMutablePointer<Published>

    struct Published {
        var input: UnsafePointer<Float>?
        var projected = false
    }

    /// What the crew's thread holds: its plan and the inbox, nothing of the stack's.
    private struct Handoff: @unchecked Sendable {
        let plan: ResidentWorker
        let inbox: UnsafeMutablePointer<Published>
    }

    /// `kernel` defaults to this CPU's choice for `precision` (``ResidentKernel/preferred(for:widest:splitsAVX512:forced:)``); `precision` `.fp16`
    /// rounds every weight (not the biases) to half precision; `workers` 2 splits every step
    /// between the calling thread and one more (bit for bit the same result as 1 on the SIMD
    /// kernels; within rounding on ``ResidentKernel/blas``, whose sgemv blocks by row count).
    public init?(_ stack: RecurrentStack, kernel: ResidentKernel? = nil, precision: ResidentPrecision = .fp32,
                 workers: Int = 1) {
        guard !stack.config.bidirectional else { return nil }
        let kernel = kernel ?? .preferred(for: precision)
        let hidden = stack.config.hiddenSize
        // Each worker needs at least one unit.
        let workers = max(1, min(workers, 2, hidden))
        var layers: [ResidentLayer] = []
        for cell in stack.cells {
            guard let gated = cell.fusedPath as? any GatedRecurrence else { return nil }
            layers.append(ResidentLayer(gated, kernel: kernel, precision: precision, workers: workers))
        }
        self.kernel = kernel
        self.precision = precision
        self.layers = layers
        self.workers = workers
        inputSize = stack.inputSize
        hiddenSize = hidden
        inputGates = layers[0].gates
        let residualInputs = (0..<2).map { _ in FloatBuffer(uninitializedCount: hidden) }
        self.residualInputs = residualInputs
        let sums = layers.indices.map { l in stack.config.residual && l > 0 ? residualInputs[l & 1].pointer : nil }
        let barrier = workers > 1 ? StepBarrier(parties: workers) : nil
        plans = (0..<workers).map { w in ResidentWorker(parts: layers.map { $0.parts[w] }, residualSums: sums, barrier: barrier) }
        inbox = .allocate(capacity: 1)
        inbox.initialize(to: Published())
        guard let barrier, workers > 1 else { crew = nil; return }
        let handoff = Handoff(plan: plans[1], inbox: inbox)
        crew = ResidentCrew(barrier: barrier) {
            let published = handoff.inbox.pointee
            guard let input = published.input else { return }
            _ = handoff.plan.run(input, projected: published.projected)
        }
    }

    deinit {
        // The crew's thread reads the inbox only inside a step, and no step is in flight here.
        crew?.stop()
        inbox.deallocate()
    }

    /// Bytes of weights one step reads: every W_hh and every W_ih after the first layer, and the
    /// first layer's W_ih unless its projection comes from a table (then one row of it), plus
    /// the biases.
    public func weightBytesPerStep(projectedInput: Bool) -> Int {
        var bytes = 0
        for (l, layer) in layers.enumerated() {
            bytes += layer.parts.reduce(0) { $0 + $1.weightHH.bytesPerProduct }
            bytes += l == 0 && projectedInput ? layer.gates * MemoryLayout<Float>.size
                : layer.parts.reduce(0) { $0 + $1.weightIH.bytesPerProduct }
        }
        return bytes
    }

    /// Sets every state (`[layer][component]`, each `[1, H]`) from `state`, or to zeros.
    public func reset(_ state: [[Variable]]? = nil) {
        for (l, layer) in layers.enumerated() { layer.reset(state?[l].map(\.value)) }
        for plan in plans { plan.reset() }
    }

    /// The current state as tensors `[layer][component]` of shape `[1, H]` (tests and `show-scores`).
    public var state: [[Tensor]] { layers.map { $0.state(plans[0].current) } }

    /// The first layer's input projections `W_ih·x + b_ih` of `count` inputs `[count, X]` into
    /// `projections` `[count, G·H]`: one product per input, the one a step runs, so a
    /// vocabulary's projections can be tabulated once. A row's order is the stack's own (each
    /// worker's gates side by side); use it only through ``step(projectedInput:)``.
    public func projectInputs(_ inputs: UnsafePointer<Float>, count: Int, into projections: UnsafeMutablePointer<Float>) {
        layers[0].projectInputs(inputs, count: count, into: projections)
    }

    /// One step from input `x` `[X]`; returns the top layer's h `[H]`, valid until the next step.
    public func step(input x: UnsafePointer<Float>) -> UnsafePointer<Float> {
        run(x, projected: false)
    }

    /// One step from the first layer's projection `gx` `[G·H]` (``projectInputs(_:count:into:)``).
    public func step(projectedInput gx: UnsafePointer<Float>) -> UnsafePointer<Float> {
        run(gx, projected: true)
    }

    private func run(_ input: UnsafePointer<Float>, projected: Bool) -> UnsafePointer<Float> {
        if let crew {
            inbox.pointee = Published(input: input, projected: projected)
            crew.publish()
        }
        return plans[0].run(input, projected: projected)
    }
}

/// One layer's resident weights and double-buffered state, split by hidden units between the
/// workers (``Part``).
final class ResidentLayer {
    let kernel: any GateKernel
    let width: Int, hidden: Int, gates: Int
    /// One per worker.
    let parts: [Part]
    /// Two sets of whole `[H]` state buffers; a step reads one set and writes the other, each
    /// worker its own units.
    let states: [[FloatBuffer]]

    /// A worker's units of one layer: the rows of `W_ih` and `W_hh` (with their biases) that
    /// feed them — gate block g's rows g·H + units, blocks side by side, so the gate kernel runs
    /// on the part as on a layer of `units.count` units — its scratch, and its slices of the
    /// state buffers. Only its worker touches it during a step.
    final class Part {
        let units: Range<Int>
        let kernel: any GateKernel
        /// `[G·u, X]` with b_ih and `[G·u, H]` with b_hh.
        let weightIH: PackedMatrix, weightHH: PackedMatrix
        /// Where the part's G·u projections sit in a row of ``ResidentStack/projectInputs(_:count:into:)``.
        let offset: Int
        let gx: UnsafeMutablePointer<Float>, gh: UnsafeMutablePointer<Float>, cache: UnsafeMutablePointer<Float>
        /// Keeps `gx`, `gh` and `cache` alive.
        private let scratch: [FloatBuffer]
        /// The pointer lists the kernel takes, built once (a list built per step would allocate):
        /// state set s's slices of this part.
        let previous: [[UnsafePointer<Float>]], next: [[UnsafeMutablePointer<Float>]]
        /// The whole h `[H]` of state sets 0 and 1 (the layer's, shared by its parts).
        let wholeH: (UnsafePointer<Float>, UnsafePointer<Float>)

        init(units: Range<Int>, offset: Int, gated: any GatedRecurrence, kernel: any GateKernel, states: [[FloatBuffer]],
             packing: ResidentKernel, precision: ResidentPrecision) {
            self.units = units
            self.offset = offset
            self.kernel = kernel
            let hidden = gated.weightHH.shape[1]
            let rows = (0..<kernel.gateCount).flatMap { g in units.map { g * hidden + $0 } }
            func packed(_ w: Variable, _ b: Variable) -> PackedMatrix {
                let columns = w.shape[1]
                let (weights, bias) = (w.value.scalars, b.value.scalars)
                let chosen = rows.flatMap { weights[$0 * columns ..< ($0 + 1) * columns] }
                let chosenBias = rows.map { bias[$0] }
                return chosen.withUnsafeBufferPointer { wp in
                    chosenBias.withUnsafeBufferPointer { bp in
                        PackedMatrix(weights: wp.baseAddress!, rows: rows.count, columns: columns, bias: bp.baseAddress!,
                                     kernel: packing, precision: precision)
                    }
                }
            }
            weightIH = packed(gated.weightIH, gated.biasIH)
            weightHH = packed(gated.weightHH, gated.biasHH)
            scratch = [FloatBuffer(uninitializedCount: weightIH.paddedRows), FloatBuffer(uninitializedCount: weightHH.paddedRows),
                       FloatBuffer(uninitializedCount: kernel.cacheWidth * units.count)]
            (gx, gh, cache) = (scratch[0].pointer, scratch[1].pointer, scratch[2].pointer)
            let first = units.lowerBound
            previous = states.map { $0.map { UnsafePointer($0.pointer + first) } }
            next = [states[1].map { $0.pointer + first }, states[0].map { $0.pointer + first }]
            wholeH = (UnsafePointer(states[0][0].pointer), UnsafePointer(states[1][0].pointer))
        }

        /// One step from input `x` `[X]`, reading state set `current` and writing the other.
        func advance(input x: UnsafePointer<Float>, current: Int) -> UnsafePointer<Float> {
            weightIH.multiply(x, into: gx)
            return advance(gx: gx, current: current)
        }

        /// `projected`: a whole projection row (``ResidentStack/projectInputs(_:count:into:)``).
        func advance(projectedInput projected: UnsafePointer<Float>, current: Int) -> UnsafePointer<Float> {
            advance(gx: projected + offset, current: current)
        }

        /// The kernel may overwrite `gh` but only reads `gx`, so a tabulated projection is safe.
        /// Returns the whole new h, complete once every worker has advanced.
        private func advance(gx: UnsafePointer<Float>, current: Int) -> UnsafePointer<Float> {
            weightHH.multiply(current == 0 ? wholeH.0 : wholeH.1, into: gh)
            kernel.forward(rows: 1, hidden: units.count, gx: gx, gh: gh, previous: previous[current], next: next[current],
                           cache: cache)
            return current == 0 ? wholeH.1 : wholeH.0
        }
    }

    init(_ gated: any GatedRecurrence, kernel packing: ResidentKernel, precision: ResidentPrecision, workers: Int) {
        let kernel = gated.gateKernel
        self.kernel = kernel
        width = gated.weightIH.shape[1]
        hidden = gated.weightHH.shape[1]
        gates = kernel.gateCount * hidden
        let (stateCount, hidden) = (kernel.stateCount, hidden)
        let states = (0..<2).map { _ in (0..<stateCount).map { _ in FloatBuffer(uninitializedCount: hidden) } }
        self.states = states
        // Split at a multiple of 16 units where that leaves both parts some, so each part's gate
        // blocks start on a whole vector.
        let split = workers == 1 ? hidden : (hidden / 2 >= 16 ? hidden / 2 / 16 * 16 : hidden / 2)
        let ranges = workers == 1 ? [0..<hidden] : [0..<split, split..<hidden]
        var offset = 0
        parts = ranges.map { units in
            defer { offset += kernel.gateCount * units.count }
            return Part(units: units, offset: offset, gated: gated, kernel: kernel, states: states, packing: packing, precision: precision)
        }
        reset(nil)
    }

    /// Writes state set 0 from `state`, or zeros (the workers go back to set 0 too).
    func reset(_ state: [Tensor]?) {
        for (s, buffer) in states[0].enumerated() {
            if let state {
                precondition(state[s].count == hidden, "ResidentStack: state of \(state[s].shape) is not [1, \(hidden)]")
                state[s].withPointer { buffer.pointer.update(from: $0, count: hidden) }
            } else {
                buffer.pointer.update(repeating: 0, count: hidden)
            }
        }
    }

    /// State set `current` as tensors `[1, H]`.
    func state(_ current: Int) -> [Tensor] { states[current].map { $0.tensor([1, hidden]) } }

    /// Row by row through the same products as a step, so a tabulated projection equals the
    /// one a step would compute bit for bit. `projections` rows are `gates` wide, each part's
    /// G·u values at its ``Part/offset``.
    func projectInputs(_ inputs: UnsafePointer<Float>, count: Int, into projections: UnsafeMutablePointer<Float>) {
        for i in 0..<count {
            for part in parts {
                part.weightIH.multiply(inputs + i * width, into: part.gx)
                (projections + i * gates + part.offset).update(from: part.gx, count: kernel.gateCount * part.units.count)
            }
        }
    }
}
