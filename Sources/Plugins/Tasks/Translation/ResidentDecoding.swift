import RecurKit

/// The decoder's resident parts for batch-1 decoding: the recurrence as a ``ResidentStack``
/// and the output layer `W_o [Vt, H]`, `b_o` as a ``PackedMatrix``. Measured on the recipe's
/// sizes (H = 256, Vt = 4,209), the output layer is the largest matrix a step reads, and as a
/// one-row sgemm OpenBLAS repacked all of it on every call (`sgemm_incopy`, a quarter of a beam
/// search's time). `nil` when the decoder's cell has no gated fused kernel.
final class ResidentDecoder {
    let stack: ResidentStack
    let output: PackedMatrix
    /// `[paddedRows]`: one row's logits.
    let logits: FloatBuffer

    init?(_ model: TranslationModel) {
        guard let stack = ResidentStack(model.decoder) else { return nil }
        self.stack = stack
        let (w, b) = (model.output.weight.value, model.output.bias?.value)
        output = w.withPointer { weights in
            if let b { return b.withPointer { PackedMatrix(weights: weights, rows: w.shape[0], columns: w.shape[1], bias: $0, kernel: stack.kernel, precision: .fp32) } }
            return PackedMatrix(weights: weights, rows: w.shape[0], columns: w.shape[1], bias: nil, kernel: stack.kernel, precision: .fp32)
        }
        logits = FloatBuffer(uninitializedCount: output.paddedRows)
    }
}

extension TranslationModel {
    /// One decoder step for `tokens` (one per hypothesis, k of them) from `state`, as
    /// ``decode(_:steps:mask:state:source:training:rng:)`` computes it with `steps` 1, but the
    /// recurrence and the output layer run on `resident` one hypothesis at a time; attention
    /// and the combination õ = tanh(W_c [a ; s] + b_c) stay the model's own (tape-free under
    /// `GradMode.withNoGrad`).
    ///
    /// Shapes: `state` `[layer][component]` of `[k, H]` (then `[[õ]]` with input feeding), logits
    /// `[k, 1, Vt]`, weights `[k, 1, S]`. With input feeding the resident input is
    /// `[embed(y) ; õ]`, as the tape's.
    func residentDecodeStep(_ tokens: [Int32], state: [[Variable]], source: Encoded, resident: ResidentDecoder,
                            rng: inout RandomGenerator) -> (logits: Variable, weights: Variable?, state: [[Variable]]) {
        let stack = resident.stack
        let k = tokens.count, h = hiddenSize
        let recurrent = inputFeeding ? Array(state.dropLast()) : state
        let feed = inputFeeding ? state.last![0].value : nil
        let embedded = targetEmbedding(tokens, shape: [1, k], dropout: 0, training: false, rng: &rng).value
        let e = embedded.shape[2]
        precondition(stack.inputSize == e + (inputFeeding ? h : 0), "residentDecodeStep: the decoder reads \(stack.inputSize) inputs")
        var input = [Float](repeating: 0, count: stack.inputSize)
        var outputs = [Float](repeating: 0, count: k * h)
        var next = recurrent.map { layer in layer.map { _ in [Float](repeating: 0, count: k * h) } }
        for row in 0..<k {
            stack.reset(recurrent.map { layer in layer.map { $0.slice(axis: 0, start: row, length: 1) } })
            embedded.withPointer { p in input.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: p + row * e, count: e) } }
            if let feed { feed.withPointer { f in input.withUnsafeMutableBufferPointer { ($0.baseAddress! + e).update(from: f + row * h, count: h) } } }
            let top = input.withUnsafeBufferPointer { stack.step(input: $0.baseAddress!) }
            outputs.withUnsafeMutableBufferPointer { ($0.baseAddress! + row * h).update(from: top, count: h) }
            for (l, layer) in stack.state.enumerated() {
                for (c, component) in layer.enumerated() {
                    component.withPointer { p in next[l][c].withUnsafeMutableBufferPointer { ($0.baseAddress! + row * h).update(from: p, count: h) } }
                }
            }
        }
        let (attentional, weights) = attend(Variable(Tensor(shape: [k, 1, h], scalars: outputs)), source: source)
        let v = resident.output.rows
        var logits = [Float](repeating: 0, count: k * v)
        attentional.value.withPointer { o in
            for row in 0..<k {
                resident.output.multiply(o + row * h, into: resident.logits.pointer)
                logits.withUnsafeMutableBufferPointer { ($0.baseAddress! + row * v).update(from: resident.logits.pointer, count: v) }
            }
        }
        var nextState = next.map { layer in layer.map { Variable(Tensor(shape: [k, h], scalars: $0)) } }
        if inputFeeding { nextState.append([attentional.reshaped([k, h])]) }
        return (Variable(Tensor(shape: [k, 1, v], scalars: logits)), weights, nextState)
    }
}
