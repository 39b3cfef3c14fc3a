import ArgumentParser
import CharLMTask
import Foundation
import RecurKit

struct BenchSampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Batch-1 generation speed (`recur sample`'s loop) on random weights, beside the memory-bandwidth bound.",
        discussion: """
        A batch-1 step reads every weight once, so chars/s can be no higher than the read \
        bandwidth divided by the bytes of weights per character. The bandwidth is a SIMD sum over \
        a buffer far bigger than L3 (DRAM); a sum over a buffer the size of the weights gives the \
        bound when they stay in cache.
        """)

    @Option(help: "Cell name.") var cell: String = "lstm"
    @Option(parsing: .unconditional, help: "Hidden size.") var hidden: Int = 512
    @Option(parsing: .unconditional, help: "Layers.") var layers: Int = 2
    @Option(parsing: .unconditional, help: "Vocabulary size.") var vocab: Int = 65
    @Option(parsing: .unconditional, help: "Embedding width (0: one-hot input).") var embedding: Int = 64
    @Option(parsing: .unconditional, help: "Characters per timed run (best of 3).") var length: Int = 2000
    @Option(name: .customLong("generic-length"), parsing: .unconditional,
            help: "Characters through the generic path (the model's forward pass per character), for comparison; 0 skips it.")
    var genericLength: Int = 200
    @Option(parsing: .unconditional, help: "OpenBLAS threads.") var threads: Int = 1
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        for (name, value) in [("hidden", hidden), ("layers", layers), ("vocab", vocab), ("length", length), ("threads", threads)] where value < 1 {
            throw ValidationError("--\(name) must be at least 1 (got \(value)).")
        }
        guard embedding >= 0, genericLength >= 0 else { throw ValidationError("--embedding and --generic-length must be at least 0.") }
    }

    func run() throws {
        try reportingErrors {
            BLAS.threads = threads
            var rng = RandomGenerator(seed: 0)
            let model = try LanguageModel(vocabularySize: vocab, embedding: embedding == 0 ? nil : embedding,
                                          stack: StackConfig(cell: cell, hiddenSize: hidden, layers: layers),
                                          cells: Registries.cells, rng: &rng)
            guard let resident = ResidentLanguageModel(model) else {
                throw ValidationError("--cell \(cell) has no resident batch-1 path (it needs a fused gated kernel, as lstm, gru and rnn have).")
            }
            var best = Double.infinity
            for _ in 0..<3 {
                var sampling = RandomGenerator(seed: 1)
                let start = DispatchTime.now().uptimeNanoseconds
                try resident.generate(prime: [0], length: length, temperature: 1, topK: nil, rng: &sampling) { _ in }
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            let charsPerSecond = Double(length) / best
            let generic = genericLength > 0 ? try genericCharsPerSecond(model) : nil
            let bytes = resident.weightBytesPerToken
            let dram = MemoryBandwidth.measure(bytes: 1 << 30)
            let cached = MemoryBandwidth.measure(bytes: bytes)
            let bound = dram / Double(bytes), cacheBound = cached / Double(bytes)
            if json {
                var object: [String: Any] = [
                    "cell": cell, "hidden": hidden, "layers": layers, "vocab": vocab, "embedding": embedding, "length": length,
                    "threads": threads, "kernel": BLAS.kernelName, "chars_per_second": charsPerSecond.rounded(),
                    "weight_bytes_per_char": bytes, "dram_gb_per_second": (dram / 1e8).rounded() / 10,
                    "bound_chars_per_second": bound.rounded(), "cache_gb_per_second": (cached / 1e8).rounded() / 10,
                    "cache_bound_chars_per_second": cacheBound.rounded(),
                ]
                if let generic { object["generic_chars_per_second"] = generic.rounded() }
                try printJSON(object)
            } else {
                print(String(format: "%@ %d×%d V=%d: %.0f chars/s resident%@", cell, layers, hidden, vocab, charsPerSecond,
                             generic.map { String(format: ", %.0f generic (%.1f×)", $0, charsPerSecond / $0) } ?? ""))
                print(String(format: "weights %.2f MB/char; DRAM %.1f GB/s → bound %.0f chars/s (%.2f× of it); in cache %.1f GB/s → %.0f chars/s",
                             Double(bytes) / 1e6, dram / 1e9, bound, charsPerSecond / bound, cached / 1e9, cacheBound))
            }
        }
    }

    /// chars/s of the loop `recur sample` ran before the resident path: the model's forward
    /// pass on one token per character, then ``sampleIndex(_:temperature:topK:rng:)``.
    func genericCharsPerSecond(_ model: LanguageModel) throws -> Double {
        var rng = RandomGenerator(seed: 1)
        var state: [[Variable]]? = nil
        var next: Int32 = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<genericLength {
            let (logits, nextState) = GradMode.withNoGrad {
                model([next], steps: 1, batch: 1, state: state, training: false, rng: &rng)
            }
            state = nextState
            next = Int32(try sampleIndex(logits.value.scalars, temperature: 1, topK: nil, rng: &rng))
        }
        return Double(genericLength) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
}
