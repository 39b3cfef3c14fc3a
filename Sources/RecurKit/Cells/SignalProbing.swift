/// A cell that can show its internal signals — gates, candidate, memory — at a step, for
/// `recur states`. Optional: the driver never asks during training, so it costs nothing there;
/// a cell without it shows its output and state only.
public protocol SignalProbing: Cell {
    /// The signals ``signals(_:state:)`` returns, in order (LSTM: i, f, g, o, c, h).
    var signalNames: [String] { get }
    /// Those among them that are gates (values in (0, 1)), for saturation statistics.
    var gateNames: Set<String> { get }
    /// One step, as ``Cell/step(_:state:)`` computes it, with every named signal `[B, H]`.
    func signals(_ x: Variable, state: [Variable]) -> (signals: [Variable], state: [Variable])
}

/// The signals of every layer of a stack over one sequence (batch 1).
public struct RecordedSignals: Sendable {
    /// One entry per layer (forward direction).
    public struct Layer: Sendable {
        public var names: [String]
        public var gates: Set<String>
        /// `values[name][t][unit]`.
        public var values: [String: [[Float]]]
    }

    public var layers: [Layer]

    /// Runs `stack` step by step over `input` `[T, 1, X]` from zeros and records each layer's
    /// signals; a cell without ``SignalProbing`` records `h` and its other state tensors.
    public static func record(_ stack: RecurrentStack, input: Variable) -> RecordedSignals {
        precondition(input.value.rank == 3 && input.shape[1] == 1, "RecordedSignals: input must be [T, 1, X]")
        let steps = input.shape[0]
        var layers: [Layer] = []
        var x = input
        GradMode.withNoGrad {
            for layer in 0..<stack.config.layers {
                let cell = stack.cells[layer * stack.config.directions]
                let probing = cell as? any SignalProbing
                let names = probing?.signalNames ?? (["h"] + cell.stateSizes.indices.dropFirst().map { "s\($0)" })
                var values = Dictionary(uniqueKeysWithValues: names.map { ($0, [[Float]]()) })
                var state = cell.zeroState(batch: 1)
                var outputs: [Variable] = []
                for t in 0..<steps {
                    let xt = x.select(t)
                    let signals: [Variable]
                    if let probing {
                        (signals, state) = probing.signals(xt, state: state)
                        outputs.append(state[0])
                    } else {
                        let (output, next) = cell.step(xt, state: state)
                        state = next
                        signals = [output] + next.dropFirst()
                        outputs.append(output)
                    }
                    for (name, signal) in zip(names, signals) { values[name]!.append(signal.value.scalars) }
                }
                layers.append(Layer(names: names, gates: probing?.gateNames ?? [], values: values))
                // Only forward directions are recorded; the next layer reads the forward output,
                // which is the whole input of a unidirectional stack.
                x = RecurCore.stack(outputs)
            }
        }
        return RecordedSignals(layers: layers)
    }

    /// For each gate of each layer, the fraction of steps each unit spends below 0.1 and above
    /// 0.9 (Karpathy, Johnson & Fei-Fei 2015, Fig. 3).
    public func saturation() -> [(layer: Int, gate: String, left: [Double], right: [Double])] {
        var result: [(Int, String, [Double], [Double])] = []
        for (index, layer) in layers.enumerated() {
            for name in layer.names where layer.gates.contains(name) {
                let series = layer.values[name]!
                let units = series.first?.count ?? 0, steps = Double(series.count)
                let left = (0..<units).map { u in Double(series.filter { $0[u] < 0.1 }.count) / steps }
                let right = (0..<units).map { u in Double(series.filter { $0[u] > 0.9 }.count) / steps }
                result.append((index, name, left, right))
            }
        }
        return result
    }
}
