import RecurKit

/// Video captioning and frame labelling over clips:
///
///     f_t = tanh(W_f vec(CNN(frame_t)) + b_f)       each frame's grid flattened, so where things are counts
///     (e_1 … e_T) = the encoder stack over f_1 … f_T
///     caption: a ``CaptionDecoder`` attending over e_1 … e_T (α over frames)
///     --per-frame: label_t = softmax(W_l e_t + b_l)
///
/// Shapes: frames `[T·B, 3, S, S]` (time-major) → CNN `[T·B, C, h, w]` → f `[T, B, F]` → e
/// `[T, B, D]` (D = the stack's output width) → logits `[B, T', V]` or `[T·B, labels]`.
/// Parameters: `encoder.conv.…`, `frame.weight`/`bias`, `rnn.…`, then `decoder.…` or
/// `labeller.weight`/`bias`.
final class VideoModel: ParameterOwner {
    let encoder: ConvEncoder
    let frame: Linear
    let rnn: RecurrentStack
    let decoder: CaptionDecoder?
    let labeller: Linear?

    init(words: Int, labels: Int, options: VideoOptions, stack: StackConfig, cells: Registry<CellDescriptor>,
         rng: inout RandomGenerator) throws {
        encoder = ConvEncoder(inputChannels: 3, channels: try ConvEncoder.parseChannels(options.conv), rng: &rng)
        let grid = encoder.outputSize(height: options.imageSize, width: options.imageSize)
        guard grid.height >= 1 && grid.width >= 1 else {
            throw TaskError("--image-size \(options.imageSize) is too small for the pooling blocks of --conv \(options.conv)")
        }
        frame = Linear(inputSize: encoder.outputChannels * grid.height * grid.width, outputSize: options.frameSize, rng: &rng)
        rnn = try RecurrentStack(stack, inputSize: options.frameSize, registry: cells, rng: &rng)
        if options.perFrame {
            decoder = nil
            labeller = Linear(inputSize: stack.outputSize, outputSize: labels, rng: &rng)
        } else {
            var decoderStack = stack
            decoderStack.bidirectional = false
            decoder = try CaptionDecoder(vocabularySize: words, embedding: options.embedding, memorySize: stack.outputSize,
                                         attention: options.attention == .additive,
                                         attentionSize: options.attentionSize > 0 ? options.attentionSize : stack.hiddenSize,
                                         gate: false, stack: decoderStack, cells: cells, rng: &rng)
            labeller = nil
        }
    }

    var namedParameters: [NamedParameter] {
        encoder.namedParameters(prefix: "encoder") + frame.namedParameters(prefix: "frame") + rnn.namedParameters(prefix: "rnn")
            + (decoder?.namedParameters(prefix: "decoder") ?? []) + (labeller?.namedParameters(prefix: "labeller") ?? [])
    }

    /// Encoded frames `[T, B, D]` and the mask `[T, B]` of real frames, for clips of up to T
    /// frames (shorter ones padded with black frames that the mask skips).
    func encode(_ clips: [[Image]], training: Bool, rng: inout RandomGenerator) -> (frames: Variable, mask: Tensor) {
        let b = clips.count, t = clips.map(\.count).max()!
        let blank = Image(height: clips[0][0].height, width: clips[0][0].width)
        var ordered: [Image] = [], mask = [Float](repeating: 0, count: t * b)
        for step in 0..<t {
            for (i, clip) in clips.enumerated() {
                ordered.append(step < clip.count ? clip[step] : blank)
                if step < clip.count { mask[step * b + i] = 1 }
            }
        }
        let maps = encoder(Variable(Tensor(batching: ordered)))
        let features = frame(maps.reshaped([t, b, maps.value.count / (t * b)])).tanh()
        let maskTensor = Tensor(shape: [t, b], scalars: mask)
        let (outputs, _) = rnn(features, mask: maskTensor, training: training, rng: &rng)
        return (outputs, maskTensor)
    }

    /// The decoder's memory: encoded frames batch-major `[B, T, D]` with their mask `[B, T]`.
    func memory(_ encoded: (frames: Variable, mask: Tensor)) -> CaptionDecoder.Memory {
        let (t, b) = (encoded.mask.shape[0], encoded.mask.shape[1])
        var mask = [Float](repeating: 0, count: b * t)
        for step in 0..<t { for i in 0..<b { mask[i * t + step] = encoded.mask.scalars[step * b + i] } }
        return decoder!.memory(encoded.frames.permuted([1, 0, 2]), mask: Tensor(shape: [b, t], scalars: mask))
    }
}
