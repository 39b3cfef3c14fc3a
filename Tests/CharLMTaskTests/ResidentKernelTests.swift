import XCTest
@testable import CharLMTask
import RecurBuiltins
import RecurKit

/// The resident language model on every product kernel this CPU runs (AVX-512, AVX2, BLAS: the
/// narrower ones forced, so both instruction sets are covered on an AVX-512 machine) and in fp16:
/// fp32 logits equal the model's own forward pass, fp32 samples equal the tape's for the same
/// seed, and fp16 equals the forward pass of the same model with its matrices rounded to fp16.
final class ResidentKernelTests: XCTestCase {
    let ids: [Int32] = [3, 0, 10, 7, 7, 1, 9, 4, 2, 8, 5, 6]
    let vocabulary = 11

    var kernels: [ResidentKernel] {
        let flags = CPUKernelChoice.cpuFlags()
        return ResidentKernel.allCases.filter { ResidentKernel.supported($0, cpuFlags: flags) }
    }

    func model(cell: String, layers: Int, hidden: Int, embedding: Int?, seed: UInt64 = 11) throws -> LanguageModel {
        var rng = RandomGenerator(seed: seed)
        return try LanguageModel(vocabularySize: vocabulary, embedding: embedding,
                                 stack: StackConfig(cell: cell, hiddenSize: hidden, layers: layers),
                                 cells: Builtins.cells(), rng: &rng)
    }

    func genericLogits(_ model: LanguageModel) -> [Float] {
        var rng = RandomGenerator(seed: 0)
        return GradMode.withNoGrad { model(ids, steps: ids.count, batch: 1, state: nil, training: false, rng: &rng).logits.value.scalars }
    }

    /// The largest |resident − reference| over every step's logits.
    func worstDifference(_ resident: ResidentLanguageModel, _ reference: [Float]) -> Float {
        resident.reset()
        var worst: Float = 0
        for (t, id) in ids.enumerated() {
            let logits = resident.step(id)
            for v in 0..<vocabulary { worst = max(worst, abs(logits[v] - reference[t * vocabulary + v])) }
        }
        return worst
    }

    func testFP32LogitsMatchTheForwardPassOnEveryKernel() throws {
        for kernel in kernels {
            for cell in ["lstm", "gru", "rnn"] {
                for (layers, hidden) in [(1, 17), (2, 13), (3, 33)] {
                    for embedding in [7, nil] as [Int?] {
                        let m = try model(cell: cell, layers: layers, hidden: hidden, embedding: embedding)
                        for tableLimit in [ResidentLanguageModel.tableLimit, 0] {
                            let resident = try XCTUnwrap(ResidentLanguageModel(m, tableLimit: tableLimit, kernel: kernel))
                            XCTAssertLessThan(worstDifference(resident, genericLogits(m)), 1e-5,
                                              "\(kernel) \(cell) \(layers)×\(hidden) embedding \(embedding.map(String.init) ?? "one-hot") table limit \(tableLimit)")
                        }
                    }
                }
            }
        }
    }

    /// fp16 keeps every weight matrix rounded to the nearest fp16 and everything else (biases,
    /// embeddings, states, sums) in fp32: so it must equal, to fp32 rounding, the forward pass
    /// of the model whose W_ih, W_hh and decoder weight are rounded the same way.
    func testFP16EqualsTheModelWithRoundedWeights() throws {
        // Against the unrounded model: weights off by ≤ 2⁻¹¹ relative, logits of magnitude ~1
        // after 12 steps through 2 layers; measured ≤ 2e-3 here.
        try assertEqualsTheModelWithRoundedWeights(.fp16, fromUnrounded: 1e-2)
    }

    /// bf16 keeps every weight matrix rounded to the nearest bfloat16 and everything else in
    /// fp32, like fp16 with 8 significant bits instead of 11.
    func testBF16EqualsTheModelWithRoundedWeights() throws {
        // Against the unrounded model: weights off by ≤ 2⁻⁸ relative, 8 times fp16's bound;
        // measured ≤ 1.2e-3 (fp16 ≤ 1.8e-4 in the same sitting).
        try assertEqualsTheModelWithRoundedWeights(.bf16, fromUnrounded: 1e-2)
    }

    /// int8 keeps each row of every weight matrix as q · scale (q in −127…127, scale = the row's
    /// largest magnitude / 127): so it must equal the forward pass of the model whose W_ih, W_hh
    /// and decoder rows are rounded the same way, to fp32 rounding plus the SIMD kernels' rounding
    /// of each product's input to int16 steps of max|x| / 32767: ≤ max|x| / 65534 · Σ|w| per
    /// output, about 3e-5 for these 17-wide rows (Σ|w| ≈ 2, |h| < 1); measured ≤ 1.3e-5 after 12
    /// steps through 2 layers.
    func testInt8EqualsTheModelWithRowRoundedWeights() throws {
        // Against the unrounded model: weights off by ≤ 1/254 of their row's largest.
        try assertEqualsTheModelWithRoundedWeights(.int8, fromRounded: 1e-4, fromUnrounded: 5e-2)
    }

    /// int4 keeps each row and group of 64 columns of every weight matrix as q · scale + minimum
    /// (q in 0…15): so it must equal the forward pass of the model whose rows are rounded the
    /// same way, to the SIMD kernels' rounding of each product's input to int8 steps of
    /// max|x| / 127 (≤ max|x| / 254 · Σ|q · scale| per output, about 1e-2 for these rows);
    /// measured ≤ 5.6e-3 after 12 steps through 2 layers (the RNN; the LSTM ≤ 1.9e-3).
    func testInt4EqualsTheModelWithGroupRoundedWeights() throws {
        // Against the unrounded model: weights off by ≤ 1/30 of their group's range; measured ≤ 5.2e-2.
        try assertEqualsTheModelWithRoundedWeights(.int4, fromRounded: 2e-2, fromUnrounded: 0.15)
    }

    /// The resident model in `precision` against the generic forward pass of the same model with
    /// each row of W_ih, W_hh and the decoder weight rounded by ``ResidentPrecision/rounded(row:)``
    /// (within `fromRounded`), and against the unrounded model (within `fromUnrounded`), on every kernel.
    func assertEqualsTheModelWithRoundedWeights(_ precision: ResidentPrecision, fromRounded roundedTolerance: Float = 1e-5,
                                                fromUnrounded tolerance: Float,
                                                file: StaticString = #filePath, line: UInt = #line) throws {
        for kernel in kernels {
            for cell in ["lstm", "gru", "rnn"] {
                for embedding in [7, nil] as [Int?] {
                    let m = try model(cell: cell, layers: 2, hidden: 17, embedding: embedding)
                    let exact = genericLogits(m)
                    let resident = try XCTUnwrap(ResidentLanguageModel(m, kernel: kernel, precision: precision))
                    var matrices = [m.decoderWeight]
                    for c in m.rnn.cells {
                        let gated = try XCTUnwrap(c.fusedPath as? any GatedRecurrence)
                        matrices += [gated.weightIH, gated.weightHH]
                    }
                    for w in matrices {
                        let (rows, columns) = (w.shape[0], w.shape[1])
                        w.updateValue { p in
                            for r in 0..<rows {
                                let row = p + r * columns
                                row.update(from: precision.rounded(row: Array(UnsafeBufferPointer(start: row, count: columns))), count: columns)
                            }
                        }
                    }
                    let label = "\(kernel) \(precision) \(cell) embedding \(embedding.map(String.init) ?? "one-hot")"
                    XCTAssertLessThan(worstDifference(resident, genericLogits(m)), roundedTolerance, label, file: file, line: line)
                    XCTAssertLessThan(worstDifference(resident, exact), tolerance, label, file: file, line: line)
                }
            }
        }
    }

    /// The tape's loop: forward pass on one token, ``sampleIndex(_:temperature:topK:rng:)``.
    func tapeSamples(_ model: LanguageModel, prime: [Int32], length: Int, seed: UInt64) throws -> [Int32] {
        var rng = RandomGenerator(seed: seed)
        var (logits, state) = GradMode.withNoGrad { model(prime, steps: prime.count, batch: 1, state: nil, training: false, rng: &rng) }
        var last = logits.value.scalars.suffix(vocabulary).map { $0 }
        var out: [Int32] = []
        for _ in 0..<length {
            let next = Int32(try sampleIndex(last, temperature: 1, topK: nil, rng: &rng))
            out.append(next)
            (logits, state) = GradMode.withNoGrad { model([next], steps: 1, batch: 1, state: state, training: false, rng: &rng) }
            last = logits.value.scalars
        }
        return out
    }

    func testFP32SamplesEqualTheTapeForTheSameSeedOnEveryKernel() throws {
        for kernel in kernels {
            for cell in ["lstm", "gru"] {
                let m = try model(cell: cell, layers: 2, hidden: 19, embedding: 7)
                let expected = try tapeSamples(m, prime: [1, 2, 3], length: 200, seed: 42)
                var rng = RandomGenerator(seed: 42)
                var got: [Int32] = []
                let resident = try XCTUnwrap(ResidentLanguageModel(m, kernel: kernel))
                try resident.generate(prime: [1, 2, 3], length: 200, temperature: 1, topK: nil, rng: &rng) { got.append($0) }
                XCTAssertEqual(got, expected, "\(kernel) \(cell)")
            }
        }
    }

    /// Bytes per token follow the precision: fp16 halves the matrices, int8 quarters them (plus a
    /// scale per row), int4 eighths them (plus a scale and minimum per row and group), not the
    /// biases or the table row.
    func testWeightBytesPerToken() throws {
        try XCTSkipUnless(kernels.contains(.avx2), "this CPU has no AVX2 + F16C")
        let m = try model(cell: "lstm", layers: 2, hidden: 16, embedding: 7)
        let full = try XCTUnwrap(ResidentLanguageModel(m, kernel: .avx2, precision: .fp32)).weightBytesPerToken
        let half = try XCTUnwrap(ResidentLanguageModel(m, kernel: .avx2, precision: .fp16)).weightBytesPerToken
        let int8 = try XCTUnwrap(ResidentLanguageModel(m, kernel: .avx2, precision: .int8)).weightBytesPerToken
        // Layer 0: W_hh 64×16 + b_hh 64 + table row 64; layer 1: 2 × (64×16 + 64); decoder 16 (11 padded) × 16 + 11.
        let matrices = 3 * 64 * 16 + 16 * 16, vectors = 64 + 64 + 2 * 64 + 11
        XCTAssertEqual(full, 4 * (matrices + vectors))
        XCTAssertEqual(half, 2 * matrices + 4 * vectors)
        // int8 adds a scale per matrix row: 64 + 64 + 64 gate rows and 11 decoder rows.
        XCTAssertEqual(int8, matrices + 4 * vectors + 4 * (3 * 64 + 11))
        // int4: half a byte a weight, and an fp16 scale and minimum per row (padded: 16 decoder
        // rows) and group (one group: 16 columns).
        let int4 = try XCTUnwrap(ResidentLanguageModel(m, kernel: .avx2, precision: .int4)).weightBytesPerToken
        XCTAssertEqual(int4, matrices / 2 + 4 * vectors + 4 * (3 * 64 + 16))
    }
}
