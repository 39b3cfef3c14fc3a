import Foundation

/// One line of `recur check-cell`.
public struct ConformanceResult: Sendable, Codable {
    public let check: String
    public let passed: Bool
    public let detail: String
}

/// The conformance suite any registered cell must pass: shapes and zero state, finite-difference
/// gradients, fused ≡ generic, traced generic ≡ plain step loop, driver ≡ manual loop, masked batch ≡ sequences alone,
/// bidirectional ≡ two drivers, save/load round trip, determinism.
///
/// Sizes are small (T = 4, B = 3, X = 3, H = 5) so the whole suite runs in well under a second.
public struct CellConformance {
    public let descriptor: CellDescriptor
    public let options: [String: JSONValue]
    let steps = 4, batch = 3, inputSize = 3, hiddenSize = 5

    public init(_ descriptor: CellDescriptor, options: [String: JSONValue] = [:]) {
        self.descriptor = descriptor
        self.options = options
    }

    public func run() -> [ConformanceResult] {
        let checks: [(String, () throws -> String?)] = [
            ("shapes and zero state", shapes),
            ("gradient check, generic path (finite differences)", { try gradientCheck(.generic) }),
            ("gradient check, fused path (finite differences)", { try gradientCheck(.fused) }),
            ("fused ≡ generic (forward, gradients, masks, reverse)", fusedMatchesGeneric),
            ("traced generic ≡ plain step loop (forward, gradients, masks, reverse)", tracedMatchesPlain),
            ("driver ≡ manual step loop", driverMatchesManualLoop),
            ("masked batch ≡ each sequence alone", maskedBatchMatchesAlone),
            ("bidirectional ≡ two drivers", bidirectionalMatchesTwoDrivers),
            ("save/load round trip", saveLoadRoundTrip),
            ("determinism (same seed, same bits)", determinism),
        ]
        return checks.map { name, body in
            do {
                if let problem = try body() { return ConformanceResult(check: name, passed: false, detail: problem) }
                return ConformanceResult(check: name, passed: true, detail: "")
            } catch {
                return ConformanceResult(check: name, passed: false, detail: "\(error)")
            }
        }
    }

    // MARK: - Helpers

    func makeCell(seed: UInt64 = 1, inputSize: Int? = nil) throws -> any Cell {
        var rng = RandomGenerator(seed: seed)
        return try descriptor.make(CellConfig(inputSize: inputSize ?? self.inputSize, hiddenSize: hiddenSize, options: options), &rng)
    }

    func randomInput(seed: UInt64 = 2, batch: Int? = nil) -> Variable {
        var rng = RandomGenerator(seed: seed)
        return parameter(rng.uniformTensor([steps, batch ?? self.batch, inputSize], -1, 1), "x")
    }

    func randomState(_ cell: any Cell, seed: UInt64 = 3, batch: Int? = nil) -> [Variable] {
        var rng = RandomGenerator(seed: seed)
        let ranges = (cell as? StateDomain)?.stateRanges ?? Array(repeating: -0.5...0.5, count: cell.stateSizes.count)
        return cell.stateSizes.enumerated().map {
            let range = $0.offset < ranges.count ? ranges[$0.offset] : -0.5...0.5
            return parameter(rng.uniformTensor([batch ?? self.batch, $0.element], range.lowerBound, range.upperBound), "state\($0.offset)")
        }
    }

    /// Output and final state flattened into one vector, so one projection covers all of them.
    func flat(_ result: (output: Variable, state: [Variable])) -> Variable {
        concat(([result.output] + result.state).map { $0.reshaped([$0.value.count]) }, axis: 0)
    }

    func lengthsMask(_ lengths: [Int]) -> Tensor {
        Tensor(shape: [steps, lengths.count], scalars: (0..<steps).flatMap { t in lengths.map { t < $0 ? Float(1) : 0 } })
    }

    func close(_ a: Tensor, _ b: Tensor, _ what: String, rtol: Float = 1e-5, atol: Float = 1e-5) -> String? {
        a.isClose(to: b, rtol: rtol, atol: atol) ? nil : "\(what) differs by up to \(a.maxAbsDifference(b))"
    }

    /// Value and all gradients of `Σ f ⊙ R` for a fixed R.
    func valueAndGradients(_ inputs: [Variable], _ f: () -> Variable) -> (Tensor, [Tensor]) {
        for v in inputs { v.zeroGrad() }
        let y = f()
        var rng = RandomGenerator(seed: 99)
        (y * Variable(rng.uniformTensor(y.shape, -1, 1))).sum().backward()
        return (y.value, inputs.map { $0.grad ?? Tensor(zeros: $0.shape) })
    }

    // MARK: - Checks

    func shapes() throws -> String? {
        let cell = try makeCell()
        guard cell.inputSize == inputSize, cell.hiddenSize == hiddenSize else {
            return "cell reports sizes \(cell.inputSize)→\(cell.hiddenSize), asked for \(inputSize)→\(hiddenSize)"
        }
        let zero = cell.zeroState(batch: batch)
        guard zero.count == cell.stateSizes.count, !zero.isEmpty else { return "zero state has \(zero.count) tensors for state sizes \(cell.stateSizes)" }
        for (z, size) in zip(zero, cell.stateSizes) where z.shape != [batch, size] || z.value.scalars.contains(where: { $0 != 0 }) {
            return "zero state tensor \(z.shape) is not zeros of [\(batch), \(size)]"
        }
        let (output, state) = cell.step(randomInput().select(0), state: zero)
        guard output.shape == [batch, hiddenSize] else { return "step output \(output.shape), expected [\(batch), \(hiddenSize)]" }
        guard state.map(\.shape) == zero.map(\.shape) else { return "step state \(state.map(\.shape)), expected \(zero.map(\.shape))" }
        let names = cell.namedParameters.map(\.name)
        guard Set(names).count == names.count, !names.contains(where: \.isEmpty) else { return "parameter names are not unique: \(names)" }
        guard cell.namedParameters.allSatisfy({ $0.variable.requiresGrad && $0.variable.value.isFinite }) else {
            return "every parameter must be a finite leaf that requires gradients"
        }
        return nil
    }

    func gradientCheck(_ path: SequenceDriver.Path) throws -> String? {
        let cell = try makeCell()
        if path == .fused && cell.fusedPath == nil { return nil }
        let x = randomInput(), h0 = randomState(cell)
        let mask = lengthsMask([steps, steps - 2, 1])
        let inputs = cell.namedParameters + [("x", x)] + h0.enumerated().map { ("state\($0.offset)", $0.element) }
        for reverse in [false, true] {
            let report = GradientCheck().run(inputs: inputs) {
                flat(SequenceDriver.run(cell, input: x, initialState: h0, mask: mask, reverse: reverse, path: path))
            }
            if !report.passed { return (reverse ? "reverse: " : "") + report.description }
        }
        return nil
    }

    func fusedMatchesGeneric() throws -> String? {
        let cell = try makeCell()
        guard cell.fusedPath != nil else { return nil }
        return try pathsAgree(cell, .fused, .generic)
    }

    /// The generic path traces the step (hoisting, scans); it must not change a value or gradient.
    func tracedMatchesPlain() throws -> String? {
        try pathsAgree(try makeCell(), .generic, .plain)
    }

    func pathsAgree(_ cell: any Cell, _ first: SequenceDriver.Path, _ second: SequenceDriver.Path) throws -> String? {
        let x = randomInput(), h0 = randomState(cell)
        let inputs = cell.namedParameters.map(\.variable) + [x] + h0
        for (mask, reverse) in [(nil, false), (lengthsMask([steps, 2, 3]), false), (lengthsMask([1, steps, 2]), true)] {
            let fused = valueAndGradients(inputs) { flat(SequenceDriver.run(cell, input: x, initialState: h0, mask: mask, reverse: reverse, path: first)) }
            let generic = valueAndGradients(inputs) { flat(SequenceDriver.run(cell, input: x, initialState: h0, mask: mask, reverse: reverse, path: second)) }
            let label = "\(mask == nil ? "" : "masked ")\(reverse ? "reverse " : "")"
            if let p = close(fused.0, generic.0, "\(label)forward value") { return p }
            let names = cell.namedParameters.map(\.name) + ["x"] + h0.indices.map { "state\($0)" }
            for (name, (a, b)) in zip(names, zip(fused.1, generic.1)) {
                if let p = close(a, b, "\(label)gradient of \(name)") { return p }
            }
        }
        return nil
    }

    func driverMatchesManualLoop() throws -> String? {
        let cell = try makeCell()
        let x = randomInput(), h0 = randomState(cell)
        let driven = SequenceDriver.run(cell, input: x, initialState: h0, path: .generic)
        var state = h0
        var outputs: [Tensor] = []
        for t in 0..<steps {
            let (output, next) = cell.step(x.select(t), state: state)
            outputs.append(output.value)
            state = next
        }
        let manual = Tensor(shape: [steps, batch, hiddenSize], scalars: outputs.flatMap(\.scalars))
        if let p = close(driven.output.value, manual, "outputs", rtol: 0, atol: 0) { return p }
        for (a, b) in zip(driven.state, state) { if let p = close(a.value, b.value, "final state", rtol: 0, atol: 0) { return p } }
        return nil
    }

    func maskedBatchMatchesAlone() throws -> String? {
        let cell = try makeCell()
        let lengths = [steps, 2, 3]
        let x = randomInput(), h0 = randomState(cell)
        for path in [SequenceDriver.Path.generic, .fused] where path == .generic || cell.fusedPath != nil {
            for reverse in [false, true] {
                let batched = SequenceDriver.run(cell, input: x, initialState: h0, mask: lengthsMask(lengths), reverse: reverse, path: path)
                for (b, length) in lengths.enumerated() {
                    let alone = SequenceDriver.run(
                        cell, input: x.slice(axis: 1, start: b, length: 1).slice(axis: 0, start: 0, length: length),
                        initialState: h0.map { $0.slice(axis: 0, start: b, length: 1) }, reverse: reverse, path: .generic)
                    let mine = batched.output.slice(axis: 1, start: b, length: 1)
                    let label = "\(path.rawValue)\(reverse ? " reverse" : ""), sequence \(b) (length \(length))"
                    if let p = close(mine.slice(axis: 0, start: 0, length: length).value, alone.output.value, "\(label): outputs") { return p }
                    if length < steps, mine.slice(axis: 0, start: length, length: steps - length).value.scalars.contains(where: { $0 != 0 }) {
                        return "\(label): padded outputs are not zero"
                    }
                    for (s, (a, c)) in zip(batched.state, alone.state).enumerated() {
                        if let p = close(a.slice(axis: 0, start: b, length: 1).value, c.value, "\(label): final state \(s)") { return p }
                    }
                }
            }
        }
        return nil
    }

    func bidirectionalMatchesTwoDrivers() throws -> String? {
        let registry = Registry<CellDescriptor>(kind: "cell")
        try registry.register(descriptor)
        var rng = RandomGenerator(seed: 5)
        let layer = try RecurrentStack(StackConfig(cell: descriptor.name, hiddenSize: hiddenSize, bidirectional: true, cellOptions: options),
                                       inputSize: inputSize, registry: registry, rng: &rng)
        let x = randomInput()
        let both = layer(x, rng: &rng)
        let forward = SequenceDriver.run(layer.cells[0], input: x, initialState: layer.cells[0].zeroState(batch: batch), path: .generic)
        let reversedInput = stack((0..<steps).reversed().map { x.select($0) })
        let backward = SequenceDriver.run(layer.cells[1], input: reversedInput, initialState: layer.cells[1].zeroState(batch: batch), path: .generic)
        let backwardInTime = stack((0..<steps).reversed().map { backward.output.select($0) })
        let expected = concat([forward.output, backwardInTime])
        if let p = close(both.output.value, expected.value, "concatenated outputs") { return p }
        if let p = close(both.state[1][0].value, backward.state[0].value, "reverse final state") { return p }
        return nil
    }

    func saveLoadRoundTrip() throws -> String? {
        let original = try makeCell(seed: 1), restored = try makeCell(seed: 77)
        let saved = try SafeTensors.encode(Dictionary(uniqueKeysWithValues: original.namedParameters.map { ($0.name, $0.variable.value) }))
        try load(try SafeTensors.decode(saved, source: "round trip").tensors, into: restored.namedParameters)
        let x = randomInput()
        let a = SequenceDriver.run(original, input: x, initialState: original.zeroState(batch: batch))
        let b = SequenceDriver.run(restored, input: x, initialState: restored.zeroState(batch: batch))
        return close(a.output.value, b.output.value, "outputs after reload", rtol: 0, atol: 0)
    }

    func determinism() throws -> String? {
        let a = try makeCell(seed: 4), b = try makeCell(seed: 4)
        for (p, q) in zip(a.namedParameters, b.namedParameters) where p.variable.value != q.variable.value {
            return "parameter \(p.name) differs between two cells made from the same seed"
        }
        let x = randomInput()
        let ya = SequenceDriver.run(a, input: x, initialState: a.zeroState(batch: batch)).output.value
        let yb = SequenceDriver.run(b, input: x, initialState: b.zeroState(batch: batch)).output.value
        return ya == yb ? nil : "outputs differ between two runs from the same seed"
    }
}

/// A cell some of whose states only take some values (sLSTM's normaliser n is positive) says
/// where the conformance suite may draw them; without it every state is drawn from [−0.5, 0.5].
public protocol StateDomain {
    /// One range per state tensor, in ``Cell/stateSizes`` order.
    var stateRanges: [ClosedRange<Float>] { get }
}
