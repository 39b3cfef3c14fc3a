import Foundation
import RecurKit

/// Registration of the `word-lm` task: next-word prediction, with the recipe of PyTorch's
/// `examples/word_language_model` as its defaults.
public enum WordLMPlugin {
    static func corpusURL(_ config: RunConfig) -> URL { URL(fileURLWithPath: config.data ?? CharLMPlugin.defaultCorpus) }

    public static let descriptor = TaskDescriptor(
        name: "word-lm",
        summary: "Word language model (word_language_model's recipe): words and <eos> per line, --max-vocab with <unk>, perplexity, --tied",
        version: "1.0.0",
        options: WordLMOptions.self,
        defaults: { config in
            // word_language_model's defaults: LSTM 2×200 (embedding 200), dropout 0.2, bptt 35,
            // batch 20, plain SGD at lr 20, clip 0.25, and the 6 epochs its README trains for. Its
            // lr ÷ 4 after a worse epoch is `--lr-schedule wlm` with --eval-every one epoch's steps
            // (the default evaluates every 250 steps, which would anneal more often).
            config.stack.hiddenSize = 200
            config.stack.layers = 2
            config.stack.dropout = 0.2
            config.batch = 20
            config.seqLen = 35
            config.optimizer = .sgd
            config.learningRate = 20
            config.clip = 0.25
            config.epochs = 6
        },
        monitor: Monitor("val_ppl", .min),
        makeSession: { config, options, context in
            if config.data == nil && context.artifacts == nil && !FileManager.default.fileExists(atPath: CharLMPlugin.defaultCorpus) {
                throw DataFileError(file: CharLMPlugin.defaultCorpus, "the default corpus is missing; install it with `make deps` (Debian package jargon-text) or pass --data FILE")
            }
            return try WordLMSession(config: config, options: options, context: context)
        })
}
