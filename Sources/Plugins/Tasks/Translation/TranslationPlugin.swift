import RecurKit

/// Registration of the `translation` task: sequence-to-sequence with attention.
public enum TranslationPlugin {
    public static let descriptor = TaskDescriptor(
        name: "translation",
        summary: "Sequence to sequence with attention: TSV source<TAB>target (default: generated dates → ISO), greedy/beam decoding, BLEU, attention maps",
        version: "1.0.0",
        options: TranslationOptions.self,
        defaults: { config in
            // docs/recipes.md, translation: GRU 256 encoder and decoder, embedding 256, batch 64, Adam 1e-3, clip 5.
            config.stack.cell = "gru"
            config.stack.hiddenSize = 256
            config.batch = 64
            config.learningRate = 1e-3
            config.clip = 5
            // Three epochs take the generated dates past 99% exact match (about a minute of CPU);
            // the eng→fra recipe asks for --epochs 10.
            config.epochs = 3
            config.evalEvery = 500
        },
        unusedCommonOptions: ["seq-len": "each sentence is read whole (see --max-len and --decode-len)"],
        monitor: Monitor("val_bleu", .max),
        makeSession: { config, options, context in try TranslationSession(config: config, options: options, context: context) })
}
