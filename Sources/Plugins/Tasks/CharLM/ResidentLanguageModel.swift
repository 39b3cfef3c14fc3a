import RecurKit

/// A ``LanguageModel`` stepped one token at a time at batch 1 for `recur sample` / `recur
/// predict`: the stack as a ``ResidentStack`` (one packed product per weight matrix, no tape), the first
/// layer's input projection `W_ih·x + b_ih` tabulated for the whole vocabulary when the table
/// is small (char-lm's 65 × 4H is), the decoder a packed product, and sampling a ``LogitSampler`` — so
/// a generated token allocates nothing.
///
/// `nil` when the stack has no resident form (plugin and zoo cells without a ``GatedRecurrence``
/// fused path, bidirectional stacks); the caller then keeps the generic path. Inference only:
/// dropout is off, as in `model(…, training: false)`.
///
/// Shapes: token id → projection `[G·H]` → hidden `[H]` → logits `[V]` (decoder `[V, H]`).
public final class ResidentLanguageModel {
    /// At most this many floats (16 MiB) of tabulated input projections; word-lm's 33k × 4·650
    /// would be 340 MB, and there one sgemv per token costs no more than the lookup it replaces.
    public static let tableLimit = 4 << 20

    public let vocabularySize: Int
    public let stack: ResidentStack
    /// `[V, G·H]`: row v is `W_ih·x_v + b_ih` of token v, or nil when over ``tableLimit``.
    let projections: FloatBuffer?
    /// The encoder's table `[V, E]`, or nil with one-hot input.
    let embeddings: FloatBuffer?
    /// A one-hot input `[V]` when it is not tabulated: zeros but at the current token.
    let oneHot: FloatBuffer
    /// `[V, H]` with its bias.
    let decoder: PackedMatrix
    let logits: FloatBuffer
    let sampler: LogitSampler
    var hot: Int?

    /// `tableLimit`: the most floats of tabulated projections (tests pass 0 to step through the
    /// untabulated branch).
    /// `kernel`, `precision` and `workers`: see ``ResidentStack/init(_:kernel:precision:workers:)``;
    /// with `.fp16` the decoder's weights are rounded too, the embedding table and the tabulated
    /// projections stay fp32 (one row read per token).
    public init?(_ model: LanguageModel, tableLimit: Int = ResidentLanguageModel.tableLimit,
                 kernel: ResidentKernel? = nil, precision: ResidentPrecision = .fp32, workers: Int = 1) {
        guard let stack = ResidentStack(model.rnn, kernel: kernel, precision: precision, workers: workers) else { return nil }
        let kernel = stack.kernel
        let v = model.vocabularySize, width = stack.inputSize
        vocabularySize = v
        self.stack = stack
        embeddings = model.encoder.map { Self.resident($0.weight.value) }
        oneHot = FloatBuffer(uninitializedCount: embeddings == nil ? v : 0)
        oneHot.pointer.update(repeating: 0, count: oneHot.count)
        if v * stack.inputGates <= tableLimit && (embeddings != nil || v * v <= tableLimit) {
            let table = FloatBuffer(uninitializedCount: v * stack.inputGates)
            if let embeddings {
                stack.projectInputs(embeddings.pointer, count: v, into: table.pointer)
            } else {
                let identity = FloatBuffer(uninitializedCount: v * width)
                identity.pointer.update(repeating: 0, count: v * width)
                for i in 0..<v { identity.pointer[i * width + i] = 1 }
                stack.projectInputs(identity.pointer, count: v, into: table.pointer)
            }
            projections = table
        } else {
            projections = nil
        }
        let (weight, bias) = (model.decoderWeight.value, model.decoderBias.value)
        decoder = weight.withPointer { w in
            bias.withPointer { b in
                PackedMatrix(weights: w, rows: v, columns: stack.hiddenSize, bias: b, kernel: kernel, precision: precision)
            }
        }
        logits = FloatBuffer(uninitializedCount: decoder.paddedRows)
        sampler = LogitSampler(count: v)
    }

    static func resident(_ tensor: Tensor) -> FloatBuffer {
        let buffer = FloatBuffer(uninitializedCount: tensor.count)
        tensor.withPointer { buffer.pointer.update(from: $0, count: tensor.count) }
        return buffer
    }

    /// Bytes of weights one generated token reads: the stack's, one projection row or the
    /// first layer's W_ih, and the decoder.
    public var weightBytesPerToken: Int {
        stack.weightBytesPerStep(projectedInput: projections != nil) + decoder.bytesPerProduct
    }

    /// Zero state, as the generic path starts a prime.
    public func reset() { stack.reset() }

    /// Reads token `id`; returns the logits `[V]` of the next token, valid until the next call.
    public func step(_ id: Int32) -> UnsafePointer<Float> {
        let token = Int(id)
        let h: UnsafePointer<Float>
        if let projections {
            h = stack.step(projectedInput: projections.pointer + token * stack.inputGates)
        } else if let embeddings {
            h = stack.step(input: embeddings.pointer + token * stack.inputSize)
        } else {
            if let hot { oneHot.pointer[hot] = 0 }
            oneHot.pointer[token] = 1
            hot = token
            h = stack.step(input: oneHot.pointer)
        }
        // The bias is added after the product, as `logits(_:)` does.
        decoder.multiply(h, into: logits.pointer)
        return UnsafePointer(logits.pointer)
    }

    /// Reads `prime` (non-empty) from a zero state, then samples `length` tokens, each read
    /// back in; calls `emit` with every sampled id.
    public func generate(prime: [Int32], length: Int, temperature: Float, topK: Int?, rng: inout RandomGenerator,
                  emit: (Int32) -> Void) throws {
        precondition(!prime.isEmpty, "ResidentLanguageModel: an empty prime")
        reset()
        var scores = UnsafePointer(logits.pointer)
        for id in prime { scores = step(id) }
        for k in 0..<length {
            let next = Int32(try sampler.sample(scores, temperature: temperature, topK: topK, rng: &rng))
            emit(next)
            if k < length - 1 { scores = step(next) }
        }
    }
}
