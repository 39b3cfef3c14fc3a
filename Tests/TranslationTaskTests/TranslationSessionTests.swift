import Foundation
import XCTest
import RecurKit
@testable import TranslationTask

/// The task in-process: it learns, evaluates, saves and reloads its vocabularies, translates,
/// and refuses bad input with messages that say what to do.
final class TranslationSessionTests: XCTestCase {
    func config(_ options: [String: String] = [:], cell: String = "gru", data: String? = nil) throws -> RunConfig {
        var c = RunConfig(task: "translation", stack: StackConfig(cell: cell, hiddenSize: 24))
        TranslationPlugin.descriptor.defaults(&c)
        c.stack.cell = cell
        c.stack.hiddenSize = 24
        c.batch = 16
        c.data = data
        c.taskOptions = try TranslationPlugin.descriptor.resolveOptions(["embedding": "12", "pairs": "400"].merging(options) { $1 })
        return c
    }

    func train(_ session: any TaskSession, steps: Int) throws -> [Float] {
        let optimizer = Adam(learningRate: 0.01)
        var rng = RandomGenerator(seed: 1)
        return try (0..<steps).map { step in
            for (_, p) in session.parameters { p.zeroGrad() }
            let (loss, items) = try session.trainingLoss(step: step, rng: &rng)
            XCTAssertGreaterThan(items, 16)
            loss.backward()
            clipGradientNorm(session.parameters, maxNorm: 5)
            optimizer.step(session.parameters)
            return loss.value.scalar
        }
    }

    func testEveryCellAndAttentionLearnsTheGeneratedDates() throws {
        for (cell, attention, forcing, tokens) in [("gru", "dot", "1", "word"), ("lstm", "general", "0.5", "word"), ("rnn", "none", "1", "char")] {
            let session = try TranslationPlugin.descriptor.makeSession(
                try config(["attention": attention, "teacher-forcing": forcing, "tokens": tokens], cell: cell),
                TaskContext(cells: builtinCells()))
            XCTAssertEqual(session.stepsPerEpoch, 23)
            let losses = try train(session, steps: 30)
            let first = losses.prefix(5).reduce(0, +) / 5, last = losses.suffix(5).reduce(0, +) / 5
            XCTAssertLessThan(last, first * 0.75, "\(cell)/\(attention): loss \(first) → \(last)")
            let metrics = try GradMode.withNoGrad { try session.evaluate() }
            for key in ["val_loss", "val_bleu", "val_exact_match", "val_token_accuracy", "val_brevity_penalty", "val_bleu_p4"] {
                XCTAssertNotNil(metrics[key], key)
            }
            XCTAssertGreaterThan(metrics["val_token_accuracy"]!, 0.2, "\(cell)/\(attention)")
        }
    }

    func testAReloadedSessionTranslatesLikeTheOriginal() throws {
        let original = try TranslationSession(config: try config(), context: TaskContext(cells: builtinCells()))
        _ = try train(original, steps: 10)
        let reloaded = try TranslationSession(config: try config(["pairs": "10"]),
                                              context: TaskContext(cells: builtinCells(), artifacts: try original.artifacts()))
        try load(Dictionary(uniqueKeysWithValues: original.parameters.map { ($0.name, $0.variable.value) }), into: reloaded.parameters)
        XCTAssertEqual(reloaded.vocabularies, original.vocabularies)
        let a = try original.translate("March 3, 1999", beam: 1), b = try reloaded.translate("March 3, 1999", beam: 3)
        XCTAssertEqual(a, try reloaded.translate("March 3, 1999", beam: 1))
        XCTAssertEqual(a.sourceTokens, ["march", "3", ",", "1999", "<eos>"])
        XCTAssertEqual(a.attention.count, a.targetTokens.count + (a.attention.count > a.targetTokens.count ? 1 : 0))
        XCTAssertTrue(a.attention.allSatisfy { $0.count == 5 && abs($0.reduce(0, +) - 1) < 1e-4 })
        XCTAssertFalse(b.attention.isEmpty)
    }

    func testUnknownTokensAreReportedAndReadAsUnk() throws {
        let session = try TranslationSession(config: try config(), context: TaskContext(cells: builtinCells()))
        let t = try session.translate("Blursday 3 Smarch 1999", beam: 2)
        XCTAssertEqual(t.unknownTokens, ["blursday", "smarch"])
        XCTAssertEqual(t.sourceTokens, ["<unk>", "3", "<unk>", "1999", "<eos>"])
    }

    func testEmptyAndOverLongInputAreRefused() throws {
        let session = try TranslationSession(config: try config(), context: TaskContext(cells: builtinCells()))
        XCTAssertThrowsError(try session.translate("  ", beam: 1)) { error in
            XCTAssertTrue("\(error)".hasPrefix("nothing to translate"), "\(error)")
        }
        let longest = session.vocabularies.maxSourceLength
        XCTAssertThrowsError(try session.translate(String(repeating: "march ", count: 2 * longest + 1), beam: 1)) { error in
            XCTAssertEqual("\(error)", "the input has \(2 * longest + 1) tokens; this model was trained on sources of at most \(longest) tokens and accepts up to \(2 * longest). Split the sentence.")
        }
        XCTAssertThrowsError(try session.translate("march 3 1999", beam: 0))
        // Scoring a file refuses the same way, naming the pair, instead of building a tape of
        // 200,000 steps.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("long-\(UUID().uuidString).tsv")
        defer { try? FileManager.default.removeItem(at: file) }
        try ("march 3 1999\t1999-03-03\n" + String(repeating: "march ", count: 200_000) + "\t1999\n").write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try session.evaluate(file: file)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(file.path): pair 2 has 200000 source and 1 target tokens; this model was trained on at most \(longest)"), "\(error)")
        }
    }

    func testBadOptionsAndDataFilesAreRefusedClearly() throws {
        let cells = TaskContext(cells: builtinCells())
        XCTAssertThrowsError(try TranslationSession(config: try config(["attention": "bahdanau"]), context: cells)) { error in
            XCTAssertEqual("\(error)", "--attention bahdanau: expected one of dot, general, additive, none")
        }
        XCTAssertThrowsError(try TranslationSession(config: try config(["normalize": "tutorial", "tokens": "char"]), context: cells))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("recur-bad-\(UUID().uuidString).tsv")
        defer { try? FileManager.default.removeItem(at: file) }
        try "hello\tbonjour\ngoodbye au revoir\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TranslationSession(config: try config(data: file.path), context: cells)) { error in
            XCTAssertEqual("\(error)", "\(file.path): line 2 has no tab; each line must be `source<TAB>target`: \"goodbye au revoir\"")
        }
        try "a\tb\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TranslationSession(config: try config(data: file.path), context: cells)) { error in
            XCTAssertTrue("\(error)".contains("no training pairs are left"), "\(error)")
        }
    }

    func testGeneratedDatesAreDeterministicAndCorrect() {
        let pairs = DateCorpus.pairs(count: 500)
        XCTAssertEqual(pairs, DateCorpus.pairs(count: 500))
        XCTAssertEqual(Set(pairs.map(\.source)).count, 500)
        XCTAssertEqual(DateCorpus.format(day: 14, month: 3, year: 1987, style: 7, capitalised: true), "Saturday, March 14, 1987")
        XCTAssertEqual(DateCorpus.format(day: 1, month: 1, year: 2000, style: 8, capitalised: false), "the 1st of january, 2000")
        XCTAssertEqual(DateCorpus.ordinal(12), "12th")
        XCTAssertEqual(DateCorpus.ordinal(23), "23rd")
        for pair in pairs { XCTAssertNotNil(pair.target.wholeMatch(of: /(19[5-9]\d|20[0-4]\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])/), pair.target) }
    }
}
