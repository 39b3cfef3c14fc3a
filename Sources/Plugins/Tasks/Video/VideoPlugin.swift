import RecurKit

/// Registration of the `video-captioning` task: frames → caption, or a label per frame.
public enum VideoPlugin {
    public static let descriptor = TaskDescriptor(
        name: "video-captioning",
        summary: "Clips of frames → a caption with attention over frames, or with --per-frame a label for every frame: folders of numbered PNGs (default: generated moving shapes)",
        version: "1.0.0",
        options: VideoOptions.self,
        defaults: { config in
            config.stack.cell = "lstm"
            config.stack.hiddenSize = 128
            config.batch = 32
            config.learningRate = 2e-3
            config.clip = 5
            config.epochs = 4
            config.evalEvery = 250
        },
        unusedCommonOptions: ["seq-len": "each clip is read whole"],
        monitor: Monitor("val_exact_match", .max),
        makeSession: { config, options, context in try VideoSession(config: config, options: options, context: context) })
}
