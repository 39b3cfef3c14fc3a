import Foundation
import RecurKit

/// Registration of the `char-lm` task: next-character prediction on any UTF-8 text.
public enum CharLMPlugin {
    /// The Jargon File from Debian's `jargon-text` (public domain), installed by `make deps`.
    public static let defaultCorpus = "/usr/share/doc/jargon-text/jargon.txt.gz"

    static func corpusURL(_ config: RunConfig) -> URL { URL(fileURLWithPath: config.data ?? defaultCorpus) }

    public static let descriptor = TaskDescriptor(
        name: "char-lm",
        summary: "Character language model: train on UTF-8 text, sample with temperature, bits per character",
        version: "1.0.0",
        options: CharLMOptions.self,
        defaults: { config in
            // The recipe of docs/recipes.md (char-lm): LSTM 1×256, embedding 64, batch 32, seq-len 100, Adam 2e-3, clip 5.
            config.stack.hiddenSize = 256
            config.batch = 32
            config.seqLen = 100
            config.learningRate = 2e-3
            config.clip = 5
        },
        monitor: Monitor("val_bpc", .min),
        makeSession: { config, options, context in
            if config.data == nil && context.artifacts == nil && !FileManager.default.fileExists(atPath: defaultCorpus) {
                throw DataFileError(file: defaultCorpus, "the default corpus is missing; install it with `make deps` (Debian package jargon-text) or pass --data FILE")
            }
            return try CharLMSession(config: config, options: options, context: context)
        })
}
