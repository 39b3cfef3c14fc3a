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
        bandwidth divided by the bytes of weights per character. Resident weights are timed in \
        fp32, fp16, bf16, int8 and int4, each on the kernel `recur sample` picks for it, named in \
        brackets (RECUR_RESIDENT_KERNEL=avx2|blas forces a narrower product, \
        RECUR_RESIDENT_VNNI=0 the int8 and int4 products without VNNI, \
        RECUR_RESIDENT_SPLIT_HALVES=0 fp16 in plain panels on a Zen 4). The \
        bandwidth is a sum with the product's own registers over a buffer the size of the \
        weights (the cache level they stay in between characters: L3 for a 2×512 LSTM) and \
        over 1 GiB (DRAM). Beside it, for the precisions whose product decodes its weights \
        (fp16, bf16, int8, int4), bytes decoded as the product decodes them, with nothing else, \
        from a buffer in L1: no product of that precision reads its weights faster on this CPU, \
        whatever the memory gives.
        """)

    @Option(help: "Cell name.") var cell: String = "lstm"
    @Option(parsing: .unconditional, help: "Hidden size.") var hidden: Int = 512
    @Option(parsing: .unconditional, help: "Layers.") var layers: Int = 2
    @Option(parsing: .unconditional, help: "Vocabulary size.") var vocab: Int = 65
    @Option(parsing: .unconditional, help: "Embedding width (0: one-hot input).") var embedding: Int = 64
    @Option(parsing: .unconditional, help: "Characters per timed run.") var length: Int = 2000
    @Option(parsing: .unconditional, help: "Timed runs per precision (fp32, fp16, int8 and int4 alternate); the best counts.") var repetitions: Int = 5
    @Option(name: .customLong("generic-length"), parsing: .unconditional,
            help: "Characters through the generic path (the model's forward pass per character), for comparison; 0 skips it.")
    var genericLength: Int = 200
    @Option(parsing: .unconditional, help: "Threads: the resident step's workers (1 or 2) and the bandwidth probe's, and OpenBLAS's for the generic path.")
    var threads: Int = 1
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        for (name, value) in [("hidden", hidden), ("layers", layers), ("vocab", vocab), ("length", length), ("threads", threads), ("repetitions", repetitions)] where value < 1 {
            throw ValidationError("--\(name) must be at least 1 (got \(value)).")
        }
        guard threads <= 2 else { throw ValidationError("--threads must be 1 or 2 (got \(threads)).") }
        guard embedding >= 0, genericLength >= 0 else { throw ValidationError("--embedding and --generic-length must be at least 0.") }
    }

    func run() throws {
        try reportingErrors {
            BLAS.threads = threads
            var rng = RandomGenerator(seed: 0)
            let model = try LanguageModel(vocabularySize: vocab, embedding: embedding == 0 ? nil : embedding,
                                          stack: StackConfig(cell: cell, hiddenSize: hidden, layers: layers),
                                          cells: Registries.cells, rng: &rng)
            let precisions = ResidentPrecision.allCases
            var residents: [ResidentLanguageModel] = []
            for precision in precisions {
                guard let resident = ResidentLanguageModel(model, precision: precision, workers: threads) else {
                    throw ValidationError("--cell \(cell) has no resident batch-1 path (it needs a fused gated kernel, as lstm, gru and rnn have).")
                }
                residents.append(resident)
            }
            // A probe per precision, as big as its weights (the cache level they live in), read
            // with its product's registers (fp32 runs on the AVX2 kernel on a Zen 4).
            let probes = residents.map { MemoryBandwidth(bytes: $0.weightBytesPerToken, kernel: $0.stack.kernel, threads: threads) }
            // And bytes decoded as each product decodes them, with nothing else, from a buffer that
            // stays in L1 (16 KiB a thread), so the memory holds nothing back: what the decoding
            // instructions alone allow. Over the weights' own size it measured the L3 too, and
            // below the product itself on a busy host.
            let ceilings = zip(precisions, residents).map { precision, resident in
                resident.stack.kernel.decoder(for: precision).map { MemoryBandwidth(bytes: 16_384 * threads, threads: threads, sum: $0) }
            }
            // The precisions and the bandwidth probes alternate, so a burst of load from another
            // process hits the speed and its bound alike; the best of each counts.
            var best = [Double](repeating: .infinity, count: precisions.count)
            for _ in 0..<repetitions {
                for (i, resident) in residents.enumerated() {
                    var sampling = RandomGenerator(seed: 1)
                    let start = DispatchTime.now().uptimeNanoseconds
                    try resident.generate(prime: [0], length: length, temperature: 1, topK: nil, rng: &sampling) { _ in }
                    best[i] = min(best[i], Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                    // As many bytes as the timed run read, so both last as long and see the
                    // same share of quiet moments (short probes caught bursts of 100 GB/s).
                    probes[i].measure(minimumBytes: length * resident.weightBytesPerToken, repetitions: 1)
                    ceilings[i]?.measure(minimumBytes: length * resident.weightBytesPerToken, repetitions: 1)
                }
            }
            let generic = genericLength > 0 ? try genericCharsPerSecond(model) : nil
            // DRAM is read with this CPU's widest registers, whatever each precision's kernel.
            let dram = MemoryBandwidth(bytes: 1 << 30, kernel: .current, threads: threads).measure(minimumBytes: 1 << 30)
            var object: [String: Any] = [
                "cell": cell, "hidden": hidden, "layers": layers, "vocab": vocab, "embedding": embedding, "length": length,
                "threads": threads, "kernel": BLAS.kernelName,
                "dram_gb_per_second": (dram / 1e8).rounded() / 10,
            ]
            if let generic { object["generic_chars_per_second"] = generic.rounded() }
            var lines: [String] = []
            for (i, precision) in precisions.enumerated() {
                let charsPerSecond = Double(length) / best[i]
                let bytes = residents[i].weightBytesPerToken
                let cached = probes[i].best
                let bound = dram / Double(bytes), cacheBound = cached / Double(bytes)
                let key = precision == .fp32 ? "" : "\(precision.rawValue)_"
                object["\(key)chars_per_second"] = charsPerSecond.rounded()
                object["\(key)resident_kernel"] = residents[i].stack.kernel.rawValue
                object["\(key)weight_bytes_per_char"] = bytes
                object["\(key)bound_chars_per_second"] = bound.rounded()
                object["\(key)cache_gb_per_second"] = (cached / 1e8).rounded() / 10
                object["\(key)cache_bound_chars_per_second"] = cacheBound.rounded()
                object["\(key)ratio_to_cache_bound"] = (charsPerSecond / cacheBound * 100).rounded() / 100
                var line = String(format: "%@ (%@): %.0f chars/s; %.2f MB of weights/char; in cache (%.2f MB buffer) %.1f GB/s → bound %.0f chars/s (%.2f× of it); DRAM %.1f GB/s → %.0f chars/s",
                                  precision.rawValue, residents[i].stack.kernel.rawValue, charsPerSecond, Double(bytes) / 1e6, Double(bytes) / 1e6, cached / 1e9,
                                  cacheBound, charsPerSecond / cacheBound, dram / 1e9, bound)
                if let decoded = ceilings[i]?.best {
                    let ceiling = decoded / Double(bytes)
                    object["\(key)decode_gb_per_second"] = (decoded / 1e8).rounded() / 10
                    object["\(key)decode_ceiling_chars_per_second"] = ceiling.rounded()
                    line += String(format: "; decoding alone, from L1, %.1f GB/s → %.0f chars/s (%.2f× the bound)", decoded / 1e9, ceiling, ceiling / cacheBound)
                }
                lines.append(line)
            }
            if json {
                try printJSON(object)
            } else {
                print(String(format: "%@ %d×%d V=%d, resident kernels in brackets%@", cell, layers, hidden, vocab,
                             generic.map { String(format: ", generic path %.0f chars/s", $0) } ?? ""))
                lines.forEach { print($0) }
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
