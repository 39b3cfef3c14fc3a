import RecurKit

/// Video captioning and frame labelling over clips:
///
///     m = CNN([frame_t ; frame_t − frame_{t−1}])        C maps of h × w (--motion; CNN(frame_t) without)
///     what_c  = max over the grid of map c              (which features are present)
///     where_c = Σ_r softmax_r(m_c)_r · (x_r, y_r)       (spatial soft-argmax: where map c is strongest)
///     f_t = tanh(W_f [what ; where] + b_f)
///     (e_1 … e_T) = the encoder stack over f_1 … f_T
///     caption: a ``CaptionDecoder`` attending over [e_t ; f_t], t = 1 … T (α over frames; f_t
///              too, so what a frame shows reaches the words without passing the encoder)
///     --per-frame: label_t = softmax(W_l e_t + b_l)
///
/// Pooling keeps the frame vector's weights shared across positions (a flattened grid would make
/// it learn each colour and shape at every place separately), while the soft-argmax (Levine et
/// al. 2016) keeps the positions motion is read from.
///
/// Shapes: frames `[T·B, 6, S, S]` (3 channels without --motion; time-major) → CNN `[T·B, C, h, w]` → `[T·B, 3C]` → f `[T, B, F]` → e
/// `[T, B, D]` (D = the stack's output width) → logits `[B, T', V]` or `[T·B, labels]`.
/// Parameters: `encoder.conv.…`, `frame.weight`/`bias`, `rnn.…`, then `decoder.…` or
/// `labeller.weight`/`bias`.
final class VideoModel: ParameterOwner {
    let encoder: ConvEncoder
    let frame: Linear
    let rnn: RecurrentStack
    let decoder: CaptionDecoder?
    let labeller: Linear?
    /// Side of the CNN's output grid.
    let grid: Int
    /// Whether the CNN also sees each frame's difference from the one before (`--motion`).
    let motion: Bool

    init(words: Int, labels: Int, options: VideoOptions, stack: StackConfig, cells: Registry<CellDescriptor>,
         rng: inout RandomGenerator) throws {
        motion = options.motion
        encoder = ConvEncoder(inputChannels: options.motion ? 6 : 3, channels: try ConvEncoder.parseChannels(options.conv), rng: &rng)
        let grid = encoder.outputSize(height: options.imageSize, width: options.imageSize)
        guard grid.height >= 1 && grid.width >= 1 else {
            throw TaskError("--image-size \(options.imageSize) is too small for the pooling blocks of --conv \(options.conv)")
        }
        guard grid.height == grid.width else { throw TaskError("video frames must be square") }
        self.grid = grid.height
        frame = Linear(inputSize: 3 * encoder.outputChannels, outputSize: options.frameSize, rng: &rng)
        rnn = try RecurrentStack(stack, inputSize: options.frameSize, registry: cells, rng: &rng)
        if options.perFrame {
            decoder = nil
            labeller = Linear(inputSize: stack.outputSize, outputSize: labels, rng: &rng)
        } else {
            var decoderStack = stack
            decoderStack.bidirectional = false
            decoder = try CaptionDecoder(vocabularySize: words, embedding: options.embedding, memorySize: stack.outputSize + options.frameSize,
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

    /// Encoded frames e `[T, B, D]`, the frame vectors f `[T, B, F]` and the mask `[T, B]` of real frames, for clips of up to T
    /// frames (shorter ones padded with black frames that the mask skips).
    func encode(_ clips: [[Image]], training: Bool, rng: inout RandomGenerator) -> (frames: Variable, features: Variable, mask: Tensor) {
        let b = clips.count, t = clips.map(\.count).max()!
        let blank = Image(height: clips[0][0].height, width: clips[0][0].width)
        var ordered: [Image] = [], mask = [Float](repeating: 0, count: t * b)
        for step in 0..<t {
            for (i, clip) in clips.enumerated() {
                ordered.append(step < clip.count ? clip[step] : blank)
                if step < clip.count { mask[step * b + i] = 1 }
            }
        }
        let maps = encoder(Variable(motion ? Tensor(withMotion: ordered, clips: b) : Tensor(batching: ordered)))
        let (n, c) = (t * b, maps.shape[1])
        let what = maxPool2d(maps, kernel: grid).reshaped([n, c])
        let spread = softmax(maps.reshaped([n * c, grid * grid]))
        let where_ = matmul(spread, Variable(coordinates)).reshaped([n, 2 * c])
        let features = frame(concat([what, where_]).reshaped([t, b, 3 * c])).tanh()
        let maskTensor = Tensor(shape: [t, b], scalars: mask)
        let (outputs, _) = rnn(features, mask: maskTensor, training: training, rng: &rng)
        return (outputs, features, maskTensor)
    }

    /// (x, y) of each grid cell in [−1, 1], `[h·w, 2]`.
    var coordinates: Tensor {
        let scale = { (i: Int) in self.grid > 1 ? 2 * Float(i) / Float(self.grid - 1) - 1 : 0 }
        return Tensor(shape: [grid * grid, 2], scalars: (0..<(grid * grid)).flatMap { [scale($0 % self.grid), scale($0 / self.grid)] })
    }

    /// The decoder's memory: [e_t ; f_t] batch-major `[B, T, D + F]` with the mask `[B, T]`.
    func memory(_ encoded: (frames: Variable, features: Variable, mask: Tensor)) -> CaptionDecoder.Memory {
        let (t, b) = (encoded.mask.shape[0], encoded.mask.shape[1])
        var mask = [Float](repeating: 0, count: b * t)
        for step in 0..<t { for i in 0..<b { mask[i * t + step] = encoded.mask.scalars[step * b + i] } }
        return decoder!.memory(concat([encoded.frames, encoded.features]).permuted([1, 0, 2]), mask: Tensor(shape: [b, t], scalars: mask))
    }
}
