import Foundation
import RecurKit

/// A run's inference graph as an ONNX model (opset 17), built from its config and weights with
/// ONNX's own `RNN`, `GRU` and `LSTM` operators, one per layer:
///
/// * **char-lm**: input `ids` int64 `[T, B]` → `Gather` from `encoder.weight` (one-hot input:
///   from an identity matrix) → the stack → `logits` `[T, B, V]` (`decoder`). The state starts at
///   zero, as `recur predict` starts it.
/// * **classification**: input `ids` int64 `[T, B]` → embedding → the stack → the run's pooling
///   (last: the top layer's `Y_h`, directions concatenated; mean; max; attention with
///   `attention.query`) → `logits` `[B, C]`. The sequences of a batch must have one length (no
///   padding masks in the graph); batch 1 takes any text.
///
/// Gate orders are converted: PyTorch's (and Recur's) LSTM rows are i, f, g, o and ONNX's
/// i, o, f, c; GRU rows r, z, n and ONNX's z, r, h, with `linear_before_reset = 1` for PyTorch's
/// `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`. Any other cell (a plugin, or one of the zoo's) has
/// no ONNX operator and is refused.
public enum ONNXExport {
    public static let opset = 17

    public static func model(config: RunConfig, weights: [String: Tensor]) throws -> Data {
        var graph = ONNXGraph()
        graph.inputs = [.init(name: "ids", int64: true, shape: [.named("steps"), .named("batch")])]
        switch config.task {
        case "char-lm":
            let embedded = try embed(&graph, weights: weights, oneHot: config.taskOptions["input"] == .string("one-hot"),
                                     vocabulary: try require(weights, "decoder.weight").shape[0])
            let (sequence, _) = try stack(&graph, config.stack, weights: weights, input: embedded)
            _ = try linear(&graph, sequence, weights: weights, prefix: "decoder", output: "logits")
            graph.outputs = [.init(name: "logits", int64: false,
                                   shape: [.named("steps"), .named("batch"), .fixed(weights["decoder.weight"]!.shape[0])])]
        case "classification":
            let embedded = try embed(&graph, weights: weights, oneHot: false, vocabulary: 0)
            let (sequence, last) = try stack(&graph, config.stack, weights: weights, input: embedded)
            var pooling = "last"
            if case .string(let chosen)? = config.taskOptions["pool"] { pooling = chosen }
            let pooled = try pool(&graph, pooling: pooling, sequence: sequence,
                                  lastState: last, weights: weights)
            _ = try linear(&graph, pooled, weights: weights, prefix: "classifier", output: "logits")
            graph.outputs = [.init(name: "logits", int64: false,
                                   shape: [.named("batch"), .fixed(weights["classifier.weight"]!.shape[0])])]
        default:
            throw ONNXExportError("task '\(config.task)' has no ONNX export; char-lm and classification do")
        }
        return graph.model(opset: opset, producerVersion: RecurVersion.current)
    }

    static func require(_ weights: [String: Tensor], _ name: String) throws -> Tensor {
        guard let tensor = weights[name] else { throw ONNXExportError("the weights lack \(name)") }
        return tensor
    }

    /// `[T, B, E]` embeddings of `ids` (one-hot rows from an identity table when `oneHot`).
    static func embed(_ graph: inout ONNXGraph, weights: [String: Tensor], oneHot: Bool, vocabulary: Int) throws -> String {
        let table: String
        if oneHot {
            var identity = [Float](repeating: 0, count: vocabulary * vocabulary)
            for i in 0..<vocabulary { identity[i * vocabulary + i] = 1 }
            table = graph.constant("one_hot_table", Tensor(shape: [vocabulary, vocabulary], scalars: identity))
        } else {
            table = graph.constant("encoder.weight", try require(weights, "encoder.weight"))
        }
        return graph.add("Gather", [table, "ids"], [.int("axis", 0)])
    }

    /// Runs the cell stack over `input` `[T, B, X]`: the top layer's outputs `[T, B, D·H]` and its
    /// final hidden state as ONNX gives it (`Y_h` `[D, B, H]`).
    static func stack(_ graph: inout ONNXGraph, _ stack: StackConfig, weights: [String: Tensor], input: String) throws
        -> (sequence: String, lastState: String) {
        let op: String, order: [Int], gates: Int
        var attributes: [ONNXGraph.Attribute] = [.int("hidden_size", stack.hiddenSize),
                                                 .string("direction", stack.bidirectional ? "bidirectional" : "forward")]
        switch stack.cell {
        case "lstm": (op, order, gates) = ("LSTM", [0, 3, 1, 2], 4)
        case "gru":
            (op, order, gates) = ("GRU", [1, 0, 2], 3)
            attributes.append(.int("linear_before_reset", 1))
        case "rnn":
            (op, order, gates) = ("RNN", [0], 1)
            let relu = stack.cellOptions["nonlinearity"] == .string("relu")
            attributes.append(.strings("activations", Array(repeating: relu ? "Relu" : "Tanh", count: stack.directions)))
        default:
            throw ONNXExportError("cell '\(stack.cell)' has no ONNX operator: ONNX's RNN, GRU and LSTM are Recur's rnn, gru and lstm, and a plugin or zoo cell's step has no ONNX form here, so this run cannot be exported to ONNX")
        }
        var x = input
        var lastState = ""
        for layer in 0..<stack.layers {
            let suffixes = stack.bidirectional ? ["", "_reverse"] : [""]
            func stacked(_ kind: String, _ transform: (Tensor) -> Tensor) throws -> Tensor {
                let parts = try suffixes.map { transform(try require(weights, "rnn.\(kind)_l\(layer)\($0)")) }
                return Tensor(shape: [parts.count] + parts[0].shape, scalars: parts.flatMap(\.scalars))
            }
            let reorder = { (t: Tensor) in reorderGates(t, order: order, gates: gates) }
            let w = graph.constant("W_l\(layer)", try stacked("weight_ih", reorder))
            let r = graph.constant("R_l\(layer)", try stacked("weight_hh", reorder))
            let biases = try suffixes.map { suffix in
                reorder(try require(weights, "rnn.bias_ih_l\(layer)\(suffix)")).scalars
                    + reorder(try require(weights, "rnn.bias_hh_l\(layer)\(suffix)")).scalars
            }
            let b = graph.constant("B_l\(layer)", Tensor(shape: [suffixes.count, 2 * gates * stack.hiddenSize], scalars: biases.flatMap { $0 }))
            let y = "Y_l\(layer)"
            lastState = "Y_h_l\(layer)"
            graph.add(op, [x, w, r, b], outputs: [y, lastState], attributes)
            // Y [T, D, B, H] → [T, B, D, H] → [T, B, D·H], PyTorch's layout of the directions.
            let transposed = graph.add("Transpose", [y], [.ints("perm", [0, 2, 1, 3])])
            var output = graph.add("Reshape", [transposed, graph.constant("shape_TB_", int64s: [0, 0, -1])])
            if stack.residual && layer > 0 {
                // Recur adds a layer's input to its output when the widths agree, which above layer 0 they always do.
                output = graph.add("Add", [output, x])
            }
            x = output
        }
        return (x, lastState)
    }

    /// Rows regrouped from PyTorch's gate order into ONNX's: block `k` of the result is block
    /// `order[k]` of `tensor` (first axis `gates · H`).
    static func reorderGates(_ tensor: Tensor, order: [Int], gates: Int) -> Tensor {
        guard gates > 1 else { return tensor }
        let rows = tensor.shape[0] / gates, width = tensor.count / tensor.shape[0]
        var scalars: [Float] = []
        scalars.reserveCapacity(tensor.count)
        for block in order { scalars += tensor.scalars[(block * rows * width)..<((block + 1) * rows * width)] }
        return Tensor(shape: tensor.shape, scalars: scalars)
    }

    /// `x · Wᵀ + b` under `prefix.weight` `[out, in]` and `prefix.bias`.
    static func linear(_ graph: inout ONNXGraph, _ x: String, weights: [String: Tensor], prefix: String, output: String) throws -> String {
        let weight = try require(weights, "\(prefix).weight")
        let transposed = Tensor(shape: [weight.shape[1], weight.shape[0]], scalars: (0..<weight.count).map {
            weight.scalars[($0 % weight.shape[0]) * weight.shape[1] + $0 / weight.shape[0]]
        })
        let product = graph.add("MatMul", [x, graph.constant("\(prefix).weight.T", transposed)])
        return graph.add("Add", [product, graph.constant("\(prefix).bias", try require(weights, "\(prefix).bias"))], outputs: [output])
    }

    /// One vector per sequence `[B, F]` from the top layer's outputs `[T, B, F]`.
    static func pool(_ graph: inout ONNXGraph, pooling: String, sequence: String, lastState: String,
                     weights: [String: Tensor]) throws -> String {
        switch pooling {
        case "last":
            // Y_h [D, B, H] → [B, D, H] → [B, D·H]: [h_fwd(last) ; h_bwd(first)].
            let transposed = graph.add("Transpose", [lastState], [.ints("perm", [1, 0, 2])])
            return graph.add("Reshape", [transposed, graph.constant("shape_B_", int64s: [0, -1])])
        case "mean":
            return graph.add("ReduceMean", [sequence], [.ints("axes", [0]), .int("keepdims", 0)])
        case "max":
            return graph.add("ReduceMax", [sequence], [.ints("axes", [0]), .int("keepdims", 0)])
        case "attention":
            let query = graph.constant("attention.query", try require(weights, "attention.query"))
            let scores = graph.add("MatMul", [sequence, query])                        // [T, B]
            let alpha = graph.add("Softmax", [scores], [.int("axis", 0)])
            let column = graph.add("Unsqueeze", [alpha, graph.constant("axis_last", int64s: [-1])])   // [T, B, 1]
            let weighted = graph.add("Mul", [sequence, column])
            return graph.add("ReduceSum", [weighted, graph.constant("axis_steps", int64s: [0])], [.int("keepdims", 0)])
        default:
            throw ONNXExportError("pooling '\(pooling)' has no ONNX form here")
        }
    }
}

/// Why a run cannot be written as ONNX.
public struct ONNXExportError: Error, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
