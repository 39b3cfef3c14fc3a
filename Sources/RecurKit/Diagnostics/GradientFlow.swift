import Foundation

/// How far back a last-step loss reaches: ‖∂L_T/∂s_t‖ for every step t of one cell.
///
/// The cell runs step by step through its autodiff `step` (never a fused path), so every state
/// s_t is its own graph node. A loss is put on the final output only, `L = Σ_b head(h_T)_b`
/// (summed over the batch, so each sequence's gradient is its own), one backward sweep runs, and
/// each state component's gradient norm is read back. Index `d` of the norms is the distance
/// T − t: `d = 0` is the last step, `d = T` the initial state s_0.
///
/// For a tanh RNN the norm shrinks like ∏ ‖diag(1 − h_t²) W_hh‖ (vanishing gradients); an LSTM's
/// cell state carries it along the additive path c_t = f ⊙ c_{t−1} + i ⊙ g, scaled only by f.
public struct GradientFlowResult: Codable, Sendable, Equatable {
    /// The cell's registered name (the plot legend).
    public let cell: String
    /// `norms[d]` = root-mean-square over the batch of ‖∂L_T/∂h_{T−d}‖, for d = 0…T.
    public let norms: [Double]
    /// The same for the second state component (the LSTM's c), when the cell has one.
    public let cellStateNorms: [Double]?

    public init(cell: String, norms: [Double], cellStateNorms: [Double]?) {
        self.cell = cell
        self.norms = norms
        self.cellStateNorms = cellStateNorms
    }

    /// Sequence length T.
    public var length: Int { norms.count - 1 }

    /// `norms[1] / norms[d]`: how many times weaker the gradient is at distance `d` than one step back.
    public func decay(to distance: Int) -> Double { norms[1] / norms[distance] }
}

/// What a task supplies to measure gradient flow through its own trained model.
public struct GradientFlowProbe {
    /// The model's recurrent stack (unidirectional); the top layer is measured.
    public let stack: RecurrentStack
    /// Input of the stack, `[T, B, X]`, as the task feeds it (embedded characters, features).
    public let inputs: Variable
    /// The task's loss on the final output `[B, D·H]` of the stack, summed over the batch.
    public let head: (Variable) -> Variable

    public init(stack: RecurrentStack, inputs: Variable, head: @escaping (Variable) -> Variable) {
        self.stack = stack
        self.inputs = inputs
        self.head = head
    }
}

/// A task that can measure gradient flow through the model of a trained run.
public protocol GradientFlowProbing: TaskSession {
    /// A probe on `length` steps of `batch` sequences of the task's data (drawn with `rng`).
    func gradientFlowProbe(length: Int, batch: Int, rng: inout RandomGenerator) throws -> GradientFlowProbe
}

public enum GradientFlow {
    /// Runs `cell` over `inputs` `[T, B, X]` from `initialState` (zeros when nil) and measures the
    /// gradient of `head(h_T)` at every step.
    public static func measure(_ cell: any Cell, name: String, inputs: Tensor, initialState: [Tensor]? = nil,
                               head: (Variable) -> Variable) -> GradientFlowResult {
        precondition(inputs.rank == 3 && inputs.shape[2] == cell.inputSize,
                     "GradientFlow: inputs \(inputs.shape) do not match [T, B, \(cell.inputSize)]")
        let steps = inputs.shape[0], batch = inputs.shape[1]
        let x = Variable(inputs)
        var state = (initialState ?? cell.zeroState(batch: batch).map(\.value)).map {
            Variable($0, requiresGrad: true, label: "s_0")
        }
        // states[t][k]: component k after step t; t = 0 is the initial state.
        var states = [state]
        var output: Variable?
        for t in 0..<steps {
            let (h, next) = cell.step(x.select(t), state: state)
            for s in next { s.retainsGrad = true }
            states.append(next)
            state = next
            output = h
        }
        let final = output ?? state[0]
        head(final).backward()
        for (_, p) in cell.namedParameters { p.zeroGrad() }

        func rmsNorm(_ v: Variable) -> Double {
            guard let g = v.grad else { return 0 }
            return (g.scalars.reduce(0) { $0 + Double($1) * Double($1) } / Double(batch)).squareRoot()
        }
        func norms(component k: Int) -> [Double] { states.reversed().map { rmsNorm($0[k]) } }
        return GradientFlowResult(cell: name, norms: norms(component: 0),
                                  cellStateNorms: cell.stateSizes.count > 1 ? norms(component: 1) : nil)
    }

    /// A freshly initialised cell from the registry: inputs N(0, 1), loss `Σ_b r · h_T` for a
    /// fixed random unit vector r, so ‖∂L/∂h_T‖ = 1 for every sequence.
    public static func atInitialisation(cell name: String, registry: Registry<CellDescriptor>, length: Int,
                                        hidden: Int, inputSize: Int = 8, batch: Int = 16,
                                        seed: UInt64 = 0) throws -> GradientFlowResult {
        var rng = RandomGenerator(seed: seed)
        let cell = try registry.lookup(name).make(CellConfig(inputSize: inputSize, hiddenSize: hidden), &rng)
        let inputs = rng.normalTensor([length, batch, inputSize])
        let direction = rng.normalTensor([hidden, 1])
        let magnitude = direction.scalars.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let r = Variable(Tensor(shape: [hidden, 1], scalars: direction.scalars.map { $0 / magnitude }))
        return measure(cell, name: name, inputs: inputs) { h in matmul(h, r).sum() }
    }

    /// The top layer of a task's trained stack, on the task's own data and loss. Lower layers
    /// run without a graph: the top layer's gradient through time does not pass through them.
    public static func measure(_ probe: GradientFlowProbe) throws -> GradientFlowResult {
        let stack = probe.stack
        guard !stack.config.bidirectional else {
            throw RunError("gradient flow needs a unidirectional model: a bidirectional stack's last output also depends on the reverse pass's first step")
        }
        var x = probe.inputs.value
        for layer in 0..<(stack.config.layers - 1) {
            let y = GradMode.withNoGrad {
                SequenceDriver.run(stack.cells[layer], input: Variable(x), initialState: stack.cells[layer].zeroState(batch: x.shape[1])).output.value
            }
            x = stack.config.residual && layer > 0 && y.shape == x.shape ? (Variable(y) + Variable(x)).value : y
        }
        let top = stack.cells[stack.config.layers - 1]
        let residual = stack.config.residual && stack.config.layers > 1 && x.shape[2] == top.hiddenSize
        let lastInput = Variable(Tensor(shape: Array(x.shape.dropFirst()),
                                        scalars: Array(x.scalars[((x.shape[0] - 1) * x.shape[1] * x.shape[2])...])))
        return measure(top, name: stack.config.cell, inputs: x) { h in probe.head(residual ? h + lastInput : h) }
    }
}
