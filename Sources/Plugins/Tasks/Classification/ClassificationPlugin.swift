import RecurKit

/// Registration of the `classification` task: many-to-one sequence classifiers.
public enum ClassificationPlugin {
    public static let descriptor = TaskDescriptor(
        name: "classification",
        summary: "Many-to-one classifier (label<TAB>text file or one file per class); accuracy, macro-F1, confusion matrix",
        version: "1.0.0",
        options: ClassificationOptions.self,
        defaults: { config in
            // docs/recipes.md, classification: LSTM 128, embedding 64, batch 64, Adam 1e-3, no clipping, 10 epochs.
            config.stack.hiddenSize = 128
            config.batch = 64
            config.learningRate = 1e-3
            config.clip = 0
            config.steps = nil
            config.epochs = 10
        },
        unusedCommonOptions: ["seq-len": "each text is read whole (see --max-length)"],
        monitor: Monitor("val_accuracy", .max),
        makeSession: { config, options, context in try ClassificationSession(config: config, options: options, context: context) })
}
