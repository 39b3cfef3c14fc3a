import RecurKit

/// Registration of the `captioning` task: image → sentence with visual attention.
public enum CaptioningPlugin {
    public static let descriptor = TaskDescriptor(
        name: "captioning",
        summary: "Image captioning with visual attention (Show, Attend and Tell): a folder of PNGs with captions.tsv (default: the generated shapes world), BLEU-4, exact match, attention maps",
        version: "1.0.0",
        options: CaptioningOptions.self,
        defaults: { config in
            // Xu et al.'s decoder is an LSTM; the shapes world needs far less than their 1,800 units.
            config.stack.cell = "lstm"
            config.stack.hiddenSize = 128
            config.batch = 32
            config.learningRate = 2e-3
            config.clip = 5
            config.epochs = 4
            config.evalEvery = 250
        },
        unusedCommonOptions: ["seq-len": "each caption is read whole (see --decode-len)"],
        monitor: Monitor("val_exact_match", .max),
        makeSession: { config, options, context in try CaptioningSession(config: config, options: options, context: context) })
}
