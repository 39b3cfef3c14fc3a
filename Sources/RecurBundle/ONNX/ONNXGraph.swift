import Foundation
import RecurKit

/// An ONNX graph being built: nodes in topological order, float initializers, typed inputs and
/// outputs; ``model(opset:)`` serialises it as a `ModelProto` (onnx/onnx.proto field numbers).
struct ONNXGraph {
    enum Attribute {
        case int(String, Int)
        case ints(String, [Int])
        case string(String, String)
        case strings(String, [String])
    }

    struct Node {
        let op: String
        let inputs: [String]
        let outputs: [String]
        let attributes: [Attribute]
    }

    /// A graph input or output: float or int64, with named (dynamic) or fixed dimensions.
    struct Value {
        enum Dimension { case named(String), fixed(Int) }
        let name: String
        let int64: Bool
        let shape: [Dimension]
    }

    var nodes: [Node] = []
    var initializers: [(name: String, shape: [Int], scalars: [Float])] = []
    var int64Initializers: [(name: String, values: [Int])] = []
    var inputs: [Value] = []
    var outputs: [Value] = []
    private var counter = 0

    /// Adds a node and returns its first output's name (fresh names `op_N` unless given).
    @discardableResult
    mutating func add(_ op: String, _ inputs: [String], outputs: [String]? = nil, _ attributes: [Attribute] = []) -> String {
        counter += 1
        let names = outputs ?? ["\(op.lowercased())_\(counter)"]
        nodes.append(Node(op: op, inputs: inputs, outputs: names, attributes: attributes))
        return names[0]
    }

    mutating func constant(_ name: String, _ tensor: Tensor) -> String {
        initializers.append((name, tensor.shape, tensor.scalars))
        return name
    }

    /// An int64 vector (a shape or axes), added once however often it is asked for.
    mutating func constant(_ name: String, int64s values: [Int]) -> String {
        if !int64Initializers.contains(where: { $0.name == name }) { int64Initializers.append((name, values)) }
        return name
    }

    func model(opset: Int, producerVersion: String) -> Data {
        var model = ProtobufWriter()
        model.int(1, 8)   // ir_version 8: the IR of opset 17
        model.string(2, "recur")
        model.string(3, producerVersion)
        model.message(7) { graph in
            for node in nodes {
                graph.message(1) { n in
                    for input in node.inputs { n.string(1, input) }
                    for output in node.outputs { n.string(2, output) }
                    n.string(4, node.op)
                    for attribute in node.attributes { n.message(5) { Self.write(attribute, into: &$0) } }
                }
            }
            graph.string(2, "recur")
            for initializer in initializers {
                graph.message(5) { t in
                    t.packedInts(1, initializer.shape)
                    t.int(2, 1)   // FLOAT
                    t.string(8, initializer.name)
                    var raw = Data(capacity: 4 * initializer.scalars.count)
                    for value in initializer.scalars { withUnsafeBytes(of: value.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
                    t.bytes(9, raw)
                }
            }
            for initializer in int64Initializers {
                graph.message(5) { t in
                    t.packedInts(1, [initializer.values.count])
                    t.int(2, 7)   // INT64
                    t.string(8, initializer.name)
                    var raw = Data(capacity: 8 * initializer.values.count)
                    for value in initializer.values { withUnsafeBytes(of: Int64(value).littleEndian) { raw.append(contentsOf: $0) } }
                    t.bytes(9, raw)
                }
            }
            for value in inputs { graph.message(11) { Self.write(value, into: &$0) } }
            for value in outputs { graph.message(12) { Self.write(value, into: &$0) } }
        }
        model.message(8) { opsetImport in
            opsetImport.string(1, "")
            opsetImport.int(2, opset)
        }
        return model.data
    }

    private static func write(_ attribute: Attribute, into a: inout ProtobufWriter) {
        switch attribute {
        case .int(let name, let value):
            a.string(1, name); a.int(3, value); a.int(20, 2)
        case .ints(let name, let values):
            a.string(1, name); a.packedInts(8, values); a.int(20, 7)
        case .string(let name, let value):
            a.string(1, name); a.string(4, value); a.int(20, 3)
        case .strings(let name, let values):
            a.string(1, name); for value in values { a.string(9, value) }; a.int(20, 8)
        }
    }

    private static func write(_ value: Value, into v: inout ProtobufWriter) {
        v.string(1, value.name)
        v.message(2) { type in
            type.message(1) { tensor in
                tensor.int(1, value.int64 ? 7 : 1)
                tensor.message(2) { shape in
                    for dimension in value.shape {
                        shape.message(1) { d in
                            switch dimension {
                            case .named(let name): d.string(2, name)
                            case .fixed(let size): d.int(1, size)
                            }
                        }
                    }
                }
            }
        }
    }
}
