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
    let residual: Bool
    let layers: [ResidentLayer]
    /// The next layer's input when a residual connection adds the previous input to h.
    let residualInput: FloatBuffer

    /// The product kernel and the precision the weights are kept in.
    public let kernel: ResidentKernel, precision: ResidentPrecision

    /// `kernel` defaults to this CPU's widest (``ResidentKernel/current``); `precision` `.fp16`
    /// rounds every weight (not the biases) to half precision.
    public init?(_ stack: RecurrentStack, kernel: ResidentKernel = .current, precision: ResidentPrecision = .fp32) {
        guard !stack.config.bidirectional else { return nil }
        var layers: [ResidentLayer] = []
        for cell in stack.cells {
            guard let gated = cell.fusedPath as? any GatedRecurrence else { return nil }
            layers.append(ResidentLayer(gated, kernel: kernel, precision: precision))
        }
        self.kernel = kernel
        self.precision = precision
        self.layers = layers
        inputSize = stack.inputSize
        hiddenSize = stack.config.hiddenSize
        inputGates = layers[0].gates
        residual = stack.config.residual
        residualInput = FloatBuffer(uninitializedCount: hiddenSize)
    }

    /// Bytes of weights one step reads: every W_hh and every W_ih after the first layer, and the
    /// first layer's W_ih unless its projection comes from a table (then one row of it), plus
    /// the biases.
    public func weightBytesPerStep(projectedInput: Bool) -> Int {
        var bytes = 0
        for (l, layer) in layers.enumerated() {
            bytes += layer.weightHH.bytesPerProduct
            bytes += l == 0 && projectedInput ? layer.gates * MemoryLayout<Float>.size : layer.weightIH.bytesPerProduct
        }
        return bytes
    }

    /// Sets every state (`[layer][component]`, each `[1, H]`) from `state`, or to zeros.
    public func reset(_ state: [[Variable]]? = nil) {
        for (l, layer) in layers.enumerated() { layer.reset(state?[l].map(\.value)) }
    }

    /// The current state as tensors `[layer][component]` of shape `[1, H]` (tests and `show-scores`).
    public var state: [[Tensor]] { layers.map(\.currentState) }

    /// The first layer's input projections `W_ih·x + b_ih` of `count` inputs `[count, X]` into
    /// `projections` `[count, G·H]`: one product, as the fused path computes them for a sequence,
    /// so a vocabulary's projections can be tabulated once.
    public func projectInputs(_ inputs: UnsafePointer<Float>, count: Int, into projections: UnsafeMutablePointer<Float>) {
        layers[0].projectInputs(inputs, count: count, into: projections)
    }

    /// One step from input `x` `[X]`; returns the top layer's h `[H]`, valid until the next step.
    public func step(input x: UnsafePointer<Float>) -> UnsafePointer<Float> {
        layers[0].projectInputs(x, count: 1, into: layers[0].gx.pointer)
        return step(projectedInput: layers[0].gx.pointer)
    }

    /// One step from the first layer's projection `gx` `[G·H]` (``projectInputs(_:count:into:)``).
    public func step(projectedInput gx: UnsafePointer<Float>) -> UnsafePointer<Float> {
        var h = layers[0].advance(projectedInput: gx)
        for layer in layers.dropFirst() {
            var x = h
            let next = layer.advance(input: x)
            if residual {
                Kernels.add(next, x, into: residualInput.pointer, count: hiddenSize)
                x = UnsafePointer(residualInput.pointer)
                h = x
            } else {
                h = next
            }
        }
        return h
    }
}

/// One layer's resident weights (``PackedMatrix``, bias inside), scratch and double-buffered
/// state.
final class ResidentLayer {
    let kernel: any GateKernel
    let width: Int, hidden: Int, gates: Int
    /// `[G·H, X]` with b_ih and `[G·H, H]` with b_hh.
    let weightIH: PackedMatrix, weightHH: PackedMatrix
    /// `[G·H]` each, padded to the panel height.
    let gx: FloatBuffer, gh: FloatBuffer, cache: FloatBuffer
    /// Two sets of state buffers; a step reads one set and writes the other, then they swap.
    let states: [[FloatBuffer]]
    /// The pointer lists the kernel takes, built once: a list built per step would allocate.
    let previous: [[UnsafePointer<Float>]], next: [[UnsafeMutablePointer<Float>]]
    var current = 0

    init(_ gated: any GatedRecurrence, kernel packing: ResidentKernel, precision: ResidentPrecision) {
        let kernel = gated.gateKernel
        self.kernel = kernel
        width = gated.weightIH.shape[1]
        hidden = gated.weightHH.shape[1]
        gates = kernel.gateCount * hidden
        func packed(_ w: Variable, _ b: Variable) -> PackedMatrix {
            w.value.withPointer { weights in
                b.value.withPointer { bias in
                    PackedMatrix(weights: weights, rows: w.shape[0], columns: w.shape[1], bias: bias, kernel: packing, precision: precision)
                }
            }
        }
        weightIH = packed(gated.weightIH, gated.biasIH)
        weightHH = packed(gated.weightHH, gated.biasHH)
        gx = FloatBuffer(uninitializedCount: weightIH.paddedRows)
        gh = FloatBuffer(uninitializedCount: weightHH.paddedRows)
        cache = FloatBuffer(uninitializedCount: kernel.cacheWidth * hidden)
        let (stateCount, hidden) = (kernel.stateCount, hidden)
        let states = (0..<2).map { _ in (0..<stateCount).map { _ in FloatBuffer(uninitializedCount: hidden) } }
        self.states = states
        previous = states.map { $0.map { UnsafePointer($0.pointer) } }
        next = [states[1].map(\.pointer), states[0].map(\.pointer)]
        reset(nil)
    }

    func reset(_ state: [Tensor]?) {
        current = 0
        for (s, buffer) in states[0].enumerated() {
            if let state {
                precondition(state[s].count == hidden, "ResidentStack: state of \(state[s].shape) is not [1, \(hidden)]")
                state[s].withPointer { buffer.pointer.update(from: $0, count: hidden) }
            } else {
                buffer.pointer.update(repeating: 0, count: hidden)
            }
        }
    }

    var currentState: [Tensor] { states[current].map { $0.tensor([1, hidden]) } }

    /// Row by row through the same product as a step, so a tabulated projection equals the
    /// one a step would compute bit for bit. `projections` rows are `gates` wide.
    func projectInputs(_ inputs: UnsafePointer<Float>, count: Int, into projections: UnsafeMutablePointer<Float>) {
        for i in 0..<count {
            weightIH.multiply(inputs + i * width, into: gx.pointer)
            (projections + i * gates).update(from: gx.pointer, count: gates)
        }
    }

    func advance(input x: UnsafePointer<Float>) -> UnsafePointer<Float> {
        weightIH.multiply(x, into: gx.pointer)
        return advance(projectedInput: gx.pointer)
    }

    /// The kernel may overwrite `gh` but only reads `gx`, so a tabulated projection is safe.
    func advance(projectedInput gx: UnsafePointer<Float>) -> UnsafePointer<Float> {
        weightHH.multiply(previous[current][0], into: gh.pointer)
        kernel.forward(rows: 1, hidden: hidden, gx: gx, gh: gh.pointer, previous: previous[current],
                       next: next[current], cache: cache.pointer)
        current ^= 1
        return previous[current][0]
    }
}
