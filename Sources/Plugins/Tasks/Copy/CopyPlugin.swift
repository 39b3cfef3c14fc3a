import RecurKit

/// Registration of the `copy` task: remember a few symbols across a long blank stretch.
public enum CopyPlugin {
    public static let descriptor = TaskDescriptor(
        name: "copy",
        summary: "Copy memory: reproduce S symbols after T blanks (per-step cross-entropy, recall accuracy)",
        version: "1.0.0",
        options: CopyOptions.self,
        defaults: { config in
            config.stack.hiddenSize = 128
            config.batch = 64
            config.steps = 3000
            config.learningRate = 3e-3
            config.clip = 5
            config.evalEvery = 250
            config.checkpointEvery = 500
        },
        unusedCommonOptions: ["seq-len": "its sequences are --length blanks plus twice --symbols steps long", "data": "its data is generated from --seed",
                              "embedding-dropout": "its inputs are one-hot vectors"],
        monitor: Monitor("val_recall_accuracy", .max),
        makeSession: { config, options, context in try CopySession(config: config, options: options, context: context) })
}
