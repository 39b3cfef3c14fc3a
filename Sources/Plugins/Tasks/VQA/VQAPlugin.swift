import RecurKit

/// Registration of the `vqa` task: image + question → answer, with stacked attention.
public enum VQAPlugin {
    public static let descriptor = TaskDescriptor(
        name: "vqa",
        summary: "Visual question answering with stacked attention (Yang et al. 2016): a folder of PNGs with questions.tsv (default: the generated shapes world), accuracy per question type",
        version: "1.0.0",
        options: VQAOptions.self,
        defaults: { config in
            config.stack.cell = "lstm"
            config.stack.hiddenSize = 128
            config.batch = 64
            config.learningRate = 2e-3
            config.clip = 5
            config.epochs = 2
            config.evalEvery = 250
        },
        unusedCommonOptions: ["seq-len": "each question is read whole"],
        monitor: Monitor("val_accuracy", .max),
        makeSession: { config, options, context in try VQASession(config: config, options: options, context: context) })
}
