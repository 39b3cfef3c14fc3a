import RecurKit

/// Registration of the `tagging` task: one tag per token (many-to-many), softmax or CRF output.
public enum TaggingPlugin {
    public static let descriptor = TaskDescriptor(
        name: "tagging",
        summary: "Sequence tagger (CoNLL or tokens<TAB>tags; BiLSTM, optional CRF); token accuracy, per-tag and entity F1",
        version: "1.0.0",
        options: TaggingOptions.self,
        defaults: { config in
            // A bidirectional LSTM tagger (Huang, Xu & Yu 2015; Lample et al. 2016): every tag sees
            // both sides of its word. Adam 1e-3, clipping 5 as in Lample et al.
            config.stack.hiddenSize = 128
            config.stack.bidirectional = true
            config.batch = 32
            config.learningRate = 1e-3
            config.clip = 5
            config.steps = nil
            config.epochs = 8
        },
        unusedCommonOptions: ["seq-len": "each sentence is read whole"],
        monitor: Monitor("val_macro_f1", .max),
        makeSession: { config, options, context in try TaggingSession(config: config, options: options, context: context) })
}
