import ArgumentParser
import Foundation
import RecurKit

struct BenchCellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cell",
        abstract: "Char-LM-shaped training steps on random data: one-hot input (or an embedding) → cell stack → linear → cross-entropy → backward → Adam.")

    @Option(help: "Cell name.") var cell: String = "lstm"
    @Option(parsing: .unconditional, help: "Hidden size.") var hidden: Int = 128
    @Option(parsing: .unconditional, help: "Layers.") var layers: Int = 1
    @Option(parsing: .unconditional, help: "Batch size.") var batch: Int = 32
    @Option(name: .customLong("seq-len"), parsing: .unconditional, help: "Sequence length.") var seqLen: Int = 64
    @Option(parsing: .unconditional, help: "Vocabulary size (one-hot width).") var vocab: Int = 65
    @Option(parsing: .unconditional, help: "Embedding width (0: one-hot input, the default; char-lm's recipe uses 64).") var embedding: Int = 0
    @Option(parsing: .unconditional, help: "Threads: they share the recurrent sweep, the matrix products and the element-wise work between them.") var threads: Int = 1
    @Option(parsing: .unconditional, help: "Seconds to measure (after 3 warm-up steps).") var seconds: Double = 5
    @Option(parsing: .unconditional, help: "Measure exactly N steps after one warm-up step, instead of --seconds (long sequences, peak memory).")
    var steps: Int?
    @Flag(name: .customLong("no-fused"), help: "Use the generic autodiff path.") var noFused = false
    @Option(parsing: .unconditional, help: ArgumentHelp("Keep states every K steps and recompute the rest in backward (0: keep all).", valueName: "K"))
    var recompute: Int = 0
    @Flag(name: .customLong("plain-loop"), help: "Use the untraced step loop (no hoisting or scan), for comparison with the generic path.") var plainLoop = false
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        for (name, value) in [("hidden", hidden), ("layers", layers), ("batch", batch), ("seq-len", seqLen), ("vocab", vocab), ("threads", threads)] where value < 1 {
            throw ValidationError("--\(name) must be at least 1 (got \(value)).")
        }
        if embedding < 0 { throw ValidationError("--embedding must be 0 (one-hot input) or a width of at least 1 (got \(embedding)).") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1 (got \(steps)).") }
        if recompute < 0 { throw ValidationError("--recompute must be 0 (off) or a positive segment length K (got \(recompute)).") }
    }

    func run() throws {
        try reportingErrors {
            BLAS.threads = threads
            var rng = RandomGenerator(seed: 0)
            let path: SequenceDriver.Path = plainLoop ? .plain : noFused ? .generic : .fused
            let config = StackConfig(cell: cell, hiddenSize: hidden, layers: layers, path: path, recompute: recompute)
            do { try config.checkRecompute(cells: Registries.cells) } catch let error as RunError { throw UserError(error.message) }
            let stack = try RecurrentStack(config, inputSize: embedding > 0 ? embedding : vocab, registry: Registries.cells, rng: &rng)
            let encoder = embedding > 0 ? Embedding(vocabularySize: vocab, width: embedding, rng: &rng) : nil
            // A cell without a fused kernel runs the generic path under either name.
            let pathName = stack.path == .fused && stack.cells[0].fusedPath == nil ? "generic" : stack.path.rawValue
            let head = Linear(inputSize: hidden, outputSize: vocab, rng: &rng)
            let parameters = (encoder?.namedParameters.map { ("encoder.\($0.name)", $0.variable) } ?? []) + stack.namedParameters(prefix: "rnn")
                + head.namedParameters(prefix: "decoder")
            let optimizer = Adam(learningRate: 1e-3)
            let ids = (0..<(seqLen * batch)).map { _ in Int32(rng.next() % UInt64(vocab)) }
            var oneHot = Tensor(zeros: [seqLen, batch, vocab])
            for (i, id) in ids.enumerated() { oneHot.scalars[i * vocab + Int(id)] = 1 }
            let input = Variable(oneHot)
            let targets = Array(ids.dropFirst()) + [ids[0]]

            func step() {
                for (_, p) in parameters { p.zeroGrad() }
                let output = stack(encoder.map { $0(ids, shape: [seqLen, batch]) } ?? input, rng: &rng).output
                let logits = head(output.reshaped([seqLen * batch, hidden]))
                crossEntropy(logits: logits, targets: targets).backward()
                clipGradientNorm(parameters, maxNorm: 5)
                optimizer.step(parameters)
            }
            for _ in 0..<(self.steps == nil ? 3 : 1) { step() }
            var steps = 0
            let start = Date()
            while steps < (self.steps ?? 3) || (self.steps == nil && Date().timeIntervalSince(start) < seconds) {
                step()
                steps += 1
            }
            let elapsed = Date().timeIntervalSince(start)
            let charsPerSecond = Double(steps * batch * seqLen) / elapsed
            let peak = PeakMemory.residentMiB() ?? .nan
            if json {
                try printJSON(["cell": cell, "path": pathName, "hidden": hidden, "layers": layers,
                               "batch": batch, "seq_len": seqLen, "vocab": vocab, "embedding": embedding, "threads": threads, "steps": steps,
                               "ms_per_step": elapsed / Double(steps) * 1000, "chars_per_second": charsPerSecond.rounded(),
                               "kernel": BLAS.kernelName, "recompute": recompute, "peak_rss_mib": (peak * 10).rounded() / 10])
            } else {
                print(String(format: "%@ %@%@ H=%d L=%d B=%d T=%d V=%d%@, %d thread%@: %.1f ms/step, %.0f chars/s (%@ kernels), peak RSS %.1f MiB",
                             cell, pathName, recompute > 0 ? " recompute \(recompute)" : "", hidden, layers,
                             batch, seqLen, vocab, embedding > 0 ? " E=\(embedding)" : "", threads, threads == 1 ? "" : "s", elapsed / Double(steps) * 1000,
                             charsPerSecond, BLAS.kernelName, peak))
            }
        }
    }
}
