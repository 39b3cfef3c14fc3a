/// The shape of a recurrent stack read off PyTorch parameter names and shapes: `nn.RNN`,
/// `nn.LSTM` and `nn.GRU` name their weights `weight_ih_l{k}[_reverse]` `[G·H, X]` and
/// `weight_hh_l{k}[_reverse]` `[G·H, H]`, with G gates: 1 (tanh RNN), 3 (GRU: r, z, n) or
/// 4 (LSTM: i, f, g, o) — the same names and layouts Recur's stacks use.
///
/// What the names cannot say: a ReLU `nn.RNN` looks like a tanh one (Recur's `rnn` is tanh), and
/// a plugin cell with G ∉ {1, 3, 4} has no built-in match (`cell` is then `nil`; pass `--cell`).
public struct StackShape: Sendable, Equatable {
    /// `rnn`, `gru` or `lstm`, from the gate count; `nil` when it matches none of them.
    public var cell: String?
    /// Rows of `weight_hh_l0` per hidden unit.
    public var gates: Int
    public var hiddenSize: Int
    public var layers: Int
    public var bidirectional: Bool
    /// Columns of `weight_ih_l0`: the width the stack reads.
    public var inputSize: Int

    public init(cell: String?, gates: Int, hiddenSize: Int, layers: Int, bidirectional: Bool, inputSize: Int) {
        self.cell = cell
        self.gates = gates
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.bidirectional = bidirectional
        self.inputSize = inputSize
    }

    /// The stack under `prefix` (`rnn`, `encoder.rnn`), `nil` when `tensors` has no
    /// `prefix.weight_hh_l0`. Throws ``StackShapeError`` listing every inconsistency (a missing
    /// layer, a reverse direction on some layers only, weights that are not matrices).
    public static func infer(_ tensors: [String: Tensor], prefix: String) throws -> StackShape? {
        guard let recurrent = tensors["\(prefix).weight_hh_l0"] else { return nil }
        var problems: [String] = []
        let layerIndices = Set(tensors.keys.compactMap { layerIndex(of: $0, prefix: prefix) })
        let layers = (layerIndices.max() ?? 0) + 1
        let bidirectional = tensors.keys.contains { $0.hasPrefix("\(prefix).") && $0.hasSuffix("_reverse") }
        for layer in 0..<layers {
            for direction in bidirectional ? ["", "_reverse"] : [""] {
                for kind in ["weight_ih", "weight_hh"] where tensors["\(prefix).\(kind)_l\(layer)\(direction)"] == nil {
                    problems.append("\(prefix).\(kind)_l\(layer)\(direction) is missing (layers 0…\(layers - 1) are named)")
                }
            }
        }
        guard recurrent.rank == 2, recurrent.shape[1] > 0 else {
            throw StackShapeError(prefix: prefix, problems: problems + ["\(prefix).weight_hh_l0 has shape \(recurrent.shape), not [gates·hidden, hidden]"])
        }
        let hidden = recurrent.shape[1]
        let gates = recurrent.shape[0] / hidden
        if recurrent.shape[0] % hidden != 0 {
            problems.append("\(prefix).weight_hh_l0 has \(recurrent.shape[0]) rows, not a multiple of its \(hidden) columns")
        }
        guard let input = tensors["\(prefix).weight_ih_l0"], input.rank == 2 else {
            throw StackShapeError(prefix: prefix, problems: problems + ["\(prefix).weight_ih_l0 is missing or not a matrix"])
        }
        guard problems.isEmpty else { throw StackShapeError(prefix: prefix, problems: problems) }
        let cell: String? = switch gates { case 1: "rnn"; case 3: "gru"; case 4: "lstm"; default: nil }
        return StackShape(cell: cell, gates: gates, hiddenSize: hidden, layers: layers, bidirectional: bidirectional,
                          inputSize: input.shape[1])
    }

    /// `k` of `prefix.<name>_l<k>[_reverse]`.
    static func layerIndex(of key: String, prefix: String) -> Int? {
        guard key.hasPrefix("\(prefix).") else { return nil }
        var rest = Substring(key.dropFirst(prefix.count + 1))
        guard !rest.contains(".") else { return nil }
        if rest.hasSuffix("_reverse") { rest = rest.dropLast("_reverse".count) }
        guard let marker = rest.range(of: "_l", options: .backwards), let k = Int(rest[marker.upperBound...]), k >= 0,
              k < 10_000 else { return nil }
        return k
    }
}

/// A stack whose parameter names or shapes contradict each other.
public struct StackShapeError: Error, CustomStringConvertible {
    public let prefix: String
    public let problems: [String]
    public var description: String {
        // A hostile file can name layer 9999 alone; ten lines say enough.
        let shown = problems.prefix(10).joined(separator: "; ")
        return "the recurrent stack '\(prefix)' is inconsistent: \(shown)" + (problems.count > 10 ? "; and \(problems.count - 10) more" : "")
    }
}
