import Foundation
import XCTest
@testable import CharLMTask
import RecurBuiltins
import RecurKit

/// The resident batch-1 path against the model's own forward pass: the same logits within 1e-5
/// and the same samples for the same seed, for every built-in gated cell, 1 and 3 layers, a hidden
/// size that is no multiple of 8 or 16, embedding and one-hot input, tabulated or not.
final class ResidentLanguageModelTests: XCTestCase {
    let cells = ["lstm", "gru", "rnn"]
    let ids: [Int32] = [3, 0, 10, 7, 7, 1, 9, 4, 2, 8, 5, 6]

    func model(cell: String, layers: Int, hidden: Int = 13, embedding: Int? = 7, residual: Bool = false,
               seed: UInt64 = 11) throws -> LanguageModel {
        var rng = RandomGenerator(seed: seed)
        return try LanguageModel(vocabularySize: 11, embedding: embedding,
                                 stack: StackConfig(cell: cell, hiddenSize: hidden, layers: layers, residual: residual),
                                 cells: Builtins.cells(), rng: &rng)
    }

    /// Row t of the generic logits `[T, V]` against the resident step t.
    func assertSameLogits(_ model: LanguageModel, tableLimit: Int = ResidentLanguageModel.tableLimit,
                          _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        var rng = RandomGenerator(seed: 0)
        let generic = GradMode.withNoGrad {
            model(ids, steps: ids.count, batch: 1, state: nil, training: false, rng: &rng).logits.value.scalars
        }
        let resident = try XCTUnwrap(ResidentLanguageModel(model, tableLimit: tableLimit), label, file: file, line: line)
        resident.reset()
        var worst: Float = 0
        for (t, id) in ids.enumerated() {
            let logits = resident.step(id)
            for v in 0..<11 { worst = max(worst, abs(logits[v] - generic[t * 11 + v])) }
        }
        XCTAssertLessThan(worst, 1e-5, label, file: file, line: line)
    }

    func testLogitsMatchTheForwardPass() throws {
        for cell in cells {
            for layers in [1, 3] {
                for embedding in [7, nil] as [Int?] {
                    for tableLimit in [ResidentLanguageModel.tableLimit, 0] {
                        try assertSameLogits(try model(cell: cell, layers: layers, embedding: embedding), tableLimit: tableLimit,
                                             "\(cell) \(layers) layers, embedding \(embedding.map(String.init) ?? "one-hot"), table limit \(tableLimit)")
                    }
                }
            }
        }
    }

    func testResidualStackMatches() throws {
        for cell in cells { try assertSameLogits(try model(cell: cell, layers: 3, residual: true), "\(cell) residual") }
    }

    func testHiddenSizesAroundTheVectorWidth() throws {
        for hidden in [1, 15, 17, 33] { try assertSameLogits(try model(cell: "lstm", layers: 2, hidden: hidden), "lstm H=\(hidden)") }
    }

    /// Two workers compute the same rows with the same products as one, so the logits and the
    /// states are equal bit for bit (within rounding on the OpenBLAS fallback): every gated cell, hidden sizes below, at and above the
    /// 16-unit split, residual stacks, tabulated projections or not, both instruction sets, each
    /// precision (an int8 row keeps its one scale, an int4 row its groups, whichever worker packs it).
    func testTwoWorkersEqualOneBitForBit() throws {
        var kernels: [ResidentKernel] = [.blas]
        let flags = CPUKernelChoice.cpuFlags()
        for kernel in [ResidentKernel.avx2, .avx512] where ResidentKernel.supported(kernel, cpuFlags: flags) { kernels.append(kernel) }
        for kernel in kernels {
            for precision in ResidentPrecision.allCases {
                for cell in cells {
                    for (hidden, layers, residual) in [(1, 1, false), (13, 3, true), (33, 2, false), (40, 2, true)] {
                        for tableLimit in [ResidentLanguageModel.tableLimit, 0] {
                            let model = try model(cell: cell, layers: layers, hidden: hidden, residual: residual)
                            let label = "\(kernel) \(precision) \(cell) H=\(hidden) \(layers) layers\(residual ? " residual" : "") table \(tableLimit)"
                            let one = try XCTUnwrap(ResidentLanguageModel(model, tableLimit: tableLimit, kernel: kernel, precision: precision, workers: 1))
                            let two = try XCTUnwrap(ResidentLanguageModel(model, tableLimit: tableLimit, kernel: kernel, precision: precision, workers: 2))
                            XCTAssertEqual(two.stack.workers, hidden > 1 ? 2 : 1, label)
                            for _ in 0..<2 {
                                one.reset()
                                two.reset()
                                for id in ids {
                                    let (a, b) = (one.step(id), two.step(id))
                                    if kernel == .blas {
                                        // OpenBLAS's sgemv blocks by the row count, so a row's sum may round differently.
                                        for v in 0..<11 { XCTAssertEqual(a[v], b[v], accuracy: 1e-5, label) }
                                    } else {
                                        XCTAssertEqual((0..<11).map { a[$0] }, (0..<11).map { b[$0] }, label)
                                    }
                                }
                                if kernel != .blas {
                                    XCTAssertEqual(one.stack.state.map { $0.map(\.scalars) }, two.stack.state.map { $0.map(\.scalars) }, label)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Stacks come and go (one per `recur predict` call in a server): each one's second worker
    /// parks when idle and ends with its stack.
    func testTwoWorkerStacksComeAndGo() throws {
        let model = try model(cell: "lstm", layers: 2, hidden: 40)
        for round in 0..<40 {
            let resident = try XCTUnwrap(ResidentLanguageModel(model, workers: 2))
            var rng = RandomGenerator(seed: UInt64(round))
            var count = 0
            try resident.generate(prime: [1, 2], length: 20, temperature: 1, topK: nil, rng: &rng) { _ in count += 1 }
            XCTAssertEqual(count, 20)
            // Past the worker's spin, so it parks and the next publish must wake it.
            if round % 10 == 0 {
                Thread.sleep(forTimeInterval: 0.005)
                _ = resident.step(3)
            }
        }
    }

    /// Cells without a gated fused kernel have no resident form and keep the generic path.
    func testCellsWithoutAFusedKernelKeepTheGenericPath() throws {
        XCTAssertNil(ResidentLanguageModel(try model(cell: "mgu", layers: 1)))
        var rng = RandomGenerator(seed: 5)
        let bidirectional = try LanguageModel(vocabularySize: 11, embedding: 7, stack: StackConfig(cell: "lstm", hiddenSize: 5, bidirectional: true),
                                              cells: Builtins.cells(), rng: &rng)
        XCTAssertNil(ResidentLanguageModel(bidirectional))
    }

    // MARK: Samples through the session

    var corpus: URL!

    override func setUpWithError() throws {
        corpus = FileManager.default.temporaryDirectory.appendingPathComponent("recur-resident-\(UUID().uuidString).txt")
        try String(repeating: "to be or not to be, that is the question.\n", count: 40).write(to: corpus, atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: corpus) }

    func session(cell: String, layers: Int, input: String) throws -> CharLMSession {
        var c = RunConfig(task: "char-lm", stack: StackConfig(cell: cell, hiddenSize: 13))
        CharLMPlugin.descriptor.defaults(&c)
        c.stack.hiddenSize = 13
        c.stack.layers = layers
        c.batch = 4
        c.seqLen = 12
        c.data = corpus.path
        c.taskOptions = try CharLMPlugin.descriptor.resolveOptions(["embedding": "7", "input": input])
        return try CharLMPlugin.descriptor.makeSession(c, TaskContext(cells: Builtins.cells())) as! CharLMSession
    }

    /// An untrained model spreads its probability over the whole vocabulary, so 300 characters at
    /// temperature 1 would part at the first draw that a differing logit could flip.
    func testSamplesEqualTheGenericPathForTheSameSeed() throws {
        for cell in cells {
            for layers in [1, 3] {
                for input in ["embedding", "one-hot"] {
                    let s = try session(cell: cell, layers: layers, input: input)
                    for topK in [nil, 4] as [Int?] {
                        var fast = "", generic = ""
                        var rng = RandomGenerator(seed: 42)
                        try s.generate(prime: "to be", length: 300, temperature: 1, topK: topK, rng: &rng) { fast += $0 }
                        rng = RandomGenerator(seed: 42)
                        try s.generateOnTape(prime: "to be", length: 300, temperature: 1, topK: topK, rng: &rng) { generic += $0 }
                        XCTAssertEqual(fast.unicodeScalars.count, 305)
                        XCTAssertEqual(fast, generic, "\(cell) \(layers) layers \(input) top-k \(topK.map(String.init) ?? "none")")
                    }
                }
            }
        }
    }
}
