/// Where an operand of a traced step comes from.
enum TraceValue: Hashable {
    case input
    case state(Int)
    case parameter(Int)
    case node(Int)
}

/// One recorded operation: what it does and which values it reads.
struct TraceNode: Equatable {
    let op: TracedOp
    let inputs: [TraceValue]
}

/// How a traced node is evaluated over a sequence.
enum NodeTiming: Equatable {
    /// Reads only parameters: evaluated once per sequence.
    case constant
    /// Reads x_t (and parameters) through row-wise operations only: evaluated once on all
    /// `T·B` rows, one large product instead of T small ones.
    case hoisted
    /// Reads the state, or mixes rows: evaluated at every step.
    case perStep
}

/// The operations of one `cell.step`, recorded on stand-ins for x_t and the state.
///
/// Two traces (batch 3 and 5, different values) must agree op for op, so a step whose
/// operations depend on the values or the batch size is never taken for a fixed program; an
/// operand that no recorded operation produced (an op the tracer does not know, a constant
/// built from values) makes the trace fail, and the driver then runs the plain step loop.
struct StepTrace {
    let nodes: [TraceNode]
    /// Shapes of the first trace (batch ``traceBatch``).
    let shapes: [[Int]]
    let output: TraceValue
    let nextState: [TraceValue]
    let parameters: [Variable]
    let inputSize: Int
    let stateSizes: [Int]
    private(set) var timing: [NodeTiming] = []
    /// Whether each node reads the state, directly or through other nodes.
    private(set) var readsState: [Bool] = []

    static let traceBatch = 3

    enum Failure: Error, CustomStringConvertible {
        case untraced(String)
        case unstable

        var description: String {
            switch self {
            case .untraced(let what): return what
            case .unstable: return "two traces of the step differ (it depends on the values or the batch size)"
            }
        }
    }

    /// Traces `cell.step` twice and classifies each node.
    static func trace(_ cell: any Cell) -> Result<StepTrace, Failure> {
        let a: Recording, b: Recording
        switch (record(cell, batch: traceBatch, seed: 1), record(cell, batch: 5, seed: 2)) {
        case (.failure(let failure), _), (_, .failure(let failure)): return .failure(failure)
        case (.success(let first), .success(let second)): (a, b) = (first, second)
        }
        guard a.nodes == b.nodes, a.output == b.output, a.nextState == b.nextState else { return .failure(.unstable) }
        return .success(StepTrace(nodes: a.nodes, shapes: a.shapes, output: a.output, nextState: a.nextState,
                                  parameters: a.parameters, inputSize: cell.inputSize, stateSizes: cell.stateSizes))
    }

    private init(nodes: [TraceNode], shapes: [[Int]], output: TraceValue, nextState: [TraceValue], parameters: [Variable],
                 inputSize: Int, stateSizes: [Int]) {
        self.nodes = nodes
        self.shapes = shapes
        self.output = output
        self.nextState = nextState
        self.parameters = parameters
        self.inputSize = inputSize
        self.stateSizes = stateSizes
        var timing: [NodeTiming] = []
        var readsState: [Bool] = []
        for (index, node) in nodes.enumerated() {
            var state = false, input = false, perStep = false
            for value in node.inputs {
                switch value {
                case .input: input = true
                case .state: state = true
                case .parameter: break
                case .node(let i):
                    state = state || readsState[i]
                    switch timing[i] {
                    case .constant: break
                    case .hoisted: input = true
                    case .perStep: perStep = true
                    }
                }
            }
            readsState.append(state)
            if state || perStep { timing.append(.perStep) }
            else if !input { timing.append(.constant) }
            else { timing.append(isRowWise(node, index, timing: timing) ? .hoisted : .perStep) }
        }
        self.timing = timing
        self.readsState = readsState
    }

    /// The same trace with each hoisted element-wise node (anything but a product or a layer
    /// norm) whose live consumers all run per step moved into the step, so that a compiled
    /// step (``StepProgram``) does it on one step's `[B, ·]` rows and recomputes it in backward
    /// instead of keeping it. Hoisted, each such op was a tape node over `[T·B, ·]` with its
    /// own result and zeroed gradient (minGRU, H = 256, B = 32, T = 1,000: peak RSS 541 MiB then,
    /// 299 MiB with the compiled step's other savings); the
    /// products stay hoisted, where they are one large matrix product.
    func movingElementwiseIntoTheStep(live: [Int]) -> StepTrace {
        var consumers = [[Int]](repeating: [], count: nodes.count)
        for i in live {
            for case .node(let j) in nodes[i].inputs { consumers[j].append(i) }
        }
        var moved = self
        for i in live.reversed() where timing[i] == .hoisted {
            switch nodes[i].op {
            case .matmul, .layerNorm: continue
            default: break
            }
            if consumers[i].allSatisfy({ moved.timing[$0] == .perStep }) { moved.timing[i] = .perStep }
        }
        return moved
    }

    /// Whether evaluating `node` on `T·B` stacked rows gives the T per-step results stacked:
    /// every operand that varies with x_t has the batch's rows on axis 0, constants broadcast
    /// over rows (at most one row), and the operation never mixes rows (matrix products take x_t
    /// on the left, slices and concatenation run along the feature axis).
    private func isRowWise(_ node: TraceNode, _ index: Int, timing: [NodeTiming]) -> Bool {
        let batch = StepTrace.traceBatch
        func rows(_ shape: [Int]) -> Bool { shape.count == 2 && shape[0] == batch }
        guard rows(shapes[index]) else { return false }
        for operand in node.inputs {
            let varies: Bool
            switch operand {
            case .input: varies = true
            case .node(let i): varies = timing[i] == .hoisted
            default: varies = false
            }
            let shape = self.shape(of: operand)
            if varies {
                guard rows(shape) else { return false }
            } else {
                switch node.op {
                case .matmul: break
                case .concat: return false
                default: guard shape.count <= 1 || (shape.count == 2 && shape[0] == 1) else { return false }
                }
            }
        }
        switch node.op {
        case .matmul(let transposeA, _):
            return !transposeA && node.inputs[0].variesWithInput(timing) && !node.inputs[1].variesWithInput(timing)
        case .slice(let axis, _, _), .concat(let axis):
            return axis == 1 || axis == -1
        default:
            return true
        }
    }

    /// The shape a value had in the first trace.
    func shape(of value: TraceValue) -> [Int] {
        switch value {
        case .input: return [StepTrace.traceBatch, inputSize]
        case .state(let i): return [StepTrace.traceBatch, stateSizes[i]]
        case .parameter(let i): return parameters[i].shape
        case .node(let i): return shapes[i]
        }
    }

    private struct Recording {
        let nodes: [TraceNode]
        let shapes: [[Int]]
        let output: TraceValue
        let nextState: [TraceValue]
        let parameters: [Variable]
    }

    private static func record(_ cell: any Cell, batch: Int, seed: UInt64) -> Result<Recording, Failure> {
        var rng = RandomGenerator(seed: seed)
        let x = Variable(rng.uniformTensor([batch, cell.inputSize], -1, 1), label: "x_t")
        let state = cell.stateSizes.map { Variable(rng.uniformTensor([batch, $0], 0.25, 0.75), label: "state") }
        let parameters = cell.namedParameters.map(\.variable)
        let recorder = Recorder()
        recorder.name(x, .input)
        for (i, s) in state.enumerated() { recorder.name(s, .state(i)) }
        for (i, p) in parameters.enumerated() { recorder.name(p, .parameter(i)) }
        let (output, next) = OpTrace.recording(recorder) { cell.step(x, state: state) }
        if let failure = recorder.failure { return .failure(.untraced(failure)) }
        guard let outputValue = recorder.value(of: output) else {
            return .failure(.untraced("the step's output comes from an operation the tracer does not record (\(output.label))"))
        }
        var nextValues: [TraceValue] = []
        for s in next {
            guard let v = recorder.value(of: s) else {
                return .failure(.untraced("a next state comes from an operation the tracer does not record (\(s.label))"))
            }
            nextValues.append(v)
        }
        guard next.count == state.count else { return .failure(.untraced("the step returned \(next.count) states for \(state.count)")) }
        return .success(Recording(nodes: recorder.nodes, shapes: recorder.shapes, output: outputValue, nextState: nextValues,
                                  parameters: parameters))
    }
}

extension TraceValue {
    fileprivate func variesWithInput(_ timing: [NodeTiming]) -> Bool {
        switch self {
        case .input: return true
        case .node(let i): return timing[i] == .hoisted
        default: return false
        }
    }
}

/// Builds the IR while a step runs: every result is named by identity, so an operand that no
/// recorded op produced (and that is not x_t, the state or a parameter) is caught.
private final class Recorder: OpRecorder {
    private var names: [ObjectIdentifier: TraceValue] = [:]
    /// Keeps every named variable alive so that no identity is reused while recording.
    private var kept: [Variable] = []
    var nodes: [TraceNode] = []
    var shapes: [[Int]] = []
    var failure: String?

    func name(_ v: Variable, _ value: TraceValue) {
        names[ObjectIdentifier(v)] = value
        kept.append(v)
    }

    func value(of v: Variable) -> TraceValue? { names[ObjectIdentifier(v)] }

    func record(_ op: TracedOp, inputs: [Variable], output: Variable) {
        guard failure == nil else { return }
        var operands: [TraceValue] = []
        for v in inputs {
            guard let value = names[ObjectIdentifier(v)] else {
                failure = "an operand of \(op) comes from an operation the tracer does not record (\(v.label.isEmpty ? "unnamed" : v.label), shape \(v.shape))"
                return
            }
            operands.append(value)
        }
        name(output, .node(nodes.count))
        nodes.append(TraceNode(op: op, inputs: operands))
        shapes.append(output.shape)
    }
}
