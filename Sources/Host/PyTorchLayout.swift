import RecurKit

/// Where a task's PyTorch state dict keeps the parts `import-weights` reads sizes from: the
/// recurrent stack (layers, hidden size, cell, bidirectionality) and the embedding table (its
/// width is the task's `--embedding`). Every other key is matched name for name against the
/// model the task builds from those sizes, and whatever does not fit is listed.
///
/// char-lm's names are those of PyTorch's `examples/word_language_model` `RNNModel`
/// (`encoder.weight`, `rnn.weight_ih_l0`, …, `decoder.weight`, `decoder.bias`); the other tasks'
/// are the names their bundles are exported with (README, "Using the weights in PyTorch").
struct PyTorchLayout {
    /// The prefix of the stack's `weight_ih_l0`, …
    let stack: String
    /// The embedding table `[V, E]`, if the task has one.
    let embedding: String?
    /// The task option a missing embedding table sets (char-lm: one-hot input), as name and value.
    let withoutEmbedding: (option: String, value: String)?
    /// Task options a key's presence sets (classification's `attention.query`: `--pool attention`).
    var implied: [(key: String, option: String, value: String)] = []

    static func of(task: String) -> PyTorchLayout {
        switch task {
        case "char-lm": PyTorchLayout(stack: "rnn", embedding: "encoder.weight", withoutEmbedding: ("input", "one-hot"))
        case "word-lm": PyTorchLayout(stack: "rnn", embedding: "encoder.weight", withoutEmbedding: nil)
        case "conditional-lm": PyTorchLayout(stack: "rnn", embedding: "encoder.weight", withoutEmbedding: nil)
        case "translation": PyTorchLayout(stack: "encoder.rnn", embedding: "encoder.embedding.weight", withoutEmbedding: nil)
        case "classification":
            PyTorchLayout(stack: "rnn", embedding: "encoder.weight", withoutEmbedding: nil,
                          implied: [("attention.query", "pool", "attention")])
        case "tagging":
            PyTorchLayout(stack: "rnn", embedding: "encoder.weight", withoutEmbedding: nil,
                          implied: [("crf.transitions", "crf", "true"), ("chars.embedding.weight", "char-features", "true")])
        // The memory tasks and out-of-tree tasks: the stack under `rnn`, as every built-in names it.
        default: PyTorchLayout(stack: "rnn", embedding: nil, withoutEmbedding: nil)
        }
    }
}

/// What a state dict says about the model it came from, as flags of `recur run`.
struct InferredSizes {
    var stack: StackShape?
    /// Task options read off the file (`embedding`, or char-lm's `input`).
    var taskOptions: [String: String] = [:]

    init(_ tensors: [String: Tensor], layout: PyTorchLayout, declaredOptions: Set<String>) throws {
        stack = try StackShape.infer(tensors, prefix: layout.stack)
        if let key = layout.embedding, let table = tensors[key] {
            if table.rank == 2 && declaredOptions.contains("embedding") { taskOptions["embedding"] = "\(table.shape[1])" }
        } else if layout.embedding != nil, let (option, value) = layout.withoutEmbedding, declaredOptions.contains(option) {
            taskOptions[option] = value
        }
        for (key, option, value) in layout.implied where tensors[key] != nil && declaredOptions.contains(option) {
            taskOptions[option] = value
        }
        // word_language_model's tie_weights saves one tensor under both names: equal tables mean --tied.
        if declaredOptions.contains("tied"), let table = tensors["encoder.weight"], tensors["decoder.weight"] == table {
            taskOptions["tied"] = "true"
        }
    }

    /// The words for the summary line: `2×lstm 256 bidirectional, embedding 64`.
    var summary: String {
        var parts: [String] = []
        if let stack {
            parts.append("\(stack.layers)×\(stack.cell ?? "\(stack.gates)-gate cell") \(stack.hiddenSize)\(stack.bidirectional ? " bidirectional" : "")")
        }
        parts += taskOptions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        return parts.joined(separator: ", ")
    }
}
