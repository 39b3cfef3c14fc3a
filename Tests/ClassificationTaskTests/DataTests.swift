import Foundation
import XCTest
@testable import ClassificationTask
import RecurKit
import RecurTestSupport

/// Reading both layouts, the every-10th split, and each bad-input message.
final class DataTests: XCTestCase {
    func testFolderLabelsAreFileStemsInCodePointOrderAndLinesKeepTheirSpaces() throws {
        let s = try Scratch()
        try s.write("data/b.txt", "x \ny\n\n")
        try s.write("data/B.txt", "z\n")
        try s.write("data/a.txt", "w\n")
        let examples = try LabelledExamples.read(s.directory.appendingPathComponent("data"))
        XCTAssertEqual(examples.map(\.label), ["B", "a", "b", "b"])
        XCTAssertEqual(examples.map(\.text), ["z", "w", "x ", "y"])
        XCTAssertTrue(examples[2].place.hasSuffix("b.txt:1"))
    }

    func testFolderFilesAreReadExactlyAsWrittenCarriageReturnsIncluded() throws {
        let s = try Scratch()
        try s.write("data/a.txt", "x\r\ny\n")
        try s.write("data/b.txt", "z\n")
        XCTAssertEqual(try LabelledExamples.read(s.directory.appendingPathComponent("data")).map(\.text), ["x\r", "y", "z"])
    }

    func testEveryTenthExampleOfEachClassIsValidationStartingWithTheFirst() throws {
        var examples: [LabelledText] = []
        for i in 0..<25 {
            examples.append(LabelledText(label: "p", text: "p\(i)", place: ""))
            if i < 12 { examples.append(LabelledText(label: "q", text: "q\(i)", place: "")) }
        }
        let data = try ClassificationData(examples: examples, source: "test")
        XCTAssertEqual(data.labels, ["p", "q"])
        XCTAssertEqual(data.validation.map(\.text), ["p0", "q0", "p10", "q10", "p20"])
        XCTAssertEqual(data.train.count, 37 - 5)
    }

    func testTSVIsReadWithItsLabelsAndWindowsLineEnds() throws {
        let s = try Scratch()
        let url = try s.write("d.tsv", "\u{FEFF}pos\tgood film\r\n\nneg\tbad\tfilm\n")
        let examples = try LabelledExamples.read(url)
        XCTAssertEqual(examples.map(\.label), ["pos", "neg"], "a byte-order mark is not part of the first label")
        XCTAssertEqual(examples.map(\.text), ["good film", "bad\tfilm"])
        XCTAssertEqual(examples[1].place, url.path + ":3")
    }

    func testALineWithoutATabIsAnUnknownLabelFormat() throws {
        let s = try Scratch()
        let url = try s.write("d.tsv", "pos\tgood\npos, fine\n")
        XCTAssertThrowsMessage(try LabelledExamples.read(url), ["\(url.path):2", "unknown label format", "label<TAB>text", "\"pos, fine\""])
        let empty = try s.write("e.tsv", "\tno label\n")
        XCTAssertThrowsMessage(try LabelledExamples.read(empty), ["e.tsv:1", "label before the tab is empty"])
    }

    func testAnEmptyTextIsRefusedWithItsLine() throws {
        let s = try Scratch()
        let url = try s.write("d.tsv", "pos\tgood\nneg\t\n")
        XCTAssertThrowsMessage(try LabelledExamples.read(url), ["d.tsv:2", "empty text", "'neg'"])
        let words = try s.write("w.tsv", String(repeating: "a\tx y\nb\tz\n", count: 3) + "a\t   \n")
        XCTAssertThrowsMessage(try makeSession(try tinyConfig(data: words, options: ["tokens": "word"])), ["w.tsv:7", "empty text", "no word tokens"])
    }

    func testAClassFileWithNoExamplesIsRefused() throws {
        let s = try Scratch()
        try s.write("data/a.txt", "x\ny\n")
        try s.write("data/b.txt", "\n\n")
        XCTAssertThrowsMessage(try LabelledExamples.read(s.directory.appendingPathComponent("data")), ["b.txt", "class 'b' has no examples"])
    }

    func testAClassWhoseOnlyExampleGoesToValidationIsRefused() throws {
        let s = try Scratch()
        let url = try s.write("d.tsv", "a\tx\na\ty\nb\tz\n")
        XCTAssertThrowsMessage(try makeSession(try tinyConfig(data: url)), ["class 'b' has no training examples", "--valid"])
    }

    func testAValidationClassMissingFromTrainingIsRefused() throws {
        let s = try Scratch()
        let train = try s.write("t.tsv", "a\tx\nb\ty\n")
        let valid = try s.write("v.tsv", "a\tx\nc\tw\n")
        XCTAssertThrowsMessage(try makeSession(try tinyConfig(data: train, options: ["valid": valid.path])),
                               ["v.tsv:2", "class 'c' has no examples in the training data"])
    }

    func testATextLongerThanTheLimitIsRefusedWithItsLine() throws {
        let s = try Scratch()
        let url = try s.write("d.tsv", twoClassTSV() + "ab\t" + String(repeating: "ab", count: 10) + "\n")
        XCTAssertThrowsMessage(try makeSession(try tinyConfig(data: url, options: ["max-length": "12"])),
                               ["d.tsv:41", "20 char tokens is longer than --max-length 12"])
        let session = try makeSession(try tinyConfig(data: url, options: ["max-length": "20"]))
        XCTAssertThrowsMessage(try session.classify(["abab", String(repeating: "x", count: 21)]),
                               ["text 2 has 21 char tokens", "limit of 20"])
    }

    func testUnseenCharactersAreReadAsUnknownAndReported() throws {
        let s = try Scratch()
        let train = try s.write("t.tsv", twoClassTSV())
        let valid = try s.write("v.tsv", "ab\tabé\nxy\txy\n")
        let session = try makeSession(try tinyConfig(data: train, options: ["valid": valid.path]))
        _ = try GradMode.withNoGrad { try session.evaluate() }
        XCTAssertTrue(session.evaluationReport()!.text.contains("tokens never seen in training, read as <unk>: 'é'"))
        let result = try session.classify(["aßb", "ab"])
        XCTAssertEqual(result.map(\.unknownTokens), [["ß"], []])
    }

    func testOptionValuesAreChecked() throws {
        let s = try Scratch()
        let url = try s.write("d.tsv", twoClassTSV())
        XCTAssertThrowsMessage(try makeSession(try tinyConfig(data: url, options: ["pool": "median"])), ["--pool median", "last, mean, max, attention"])
        XCTAssertThrowsMessage(try makeSession(try tinyConfig(data: url, options: ["tokens": "bpe"])), ["--tokens bpe", "char, word"])
        XCTAssertThrowsMessage(try makeSession(try tinyConfig(data: url, options: ["class-weights": "inverse"])), ["one of none, balanced"])
        XCTAssertThrowsMessage(try makeSession(try tinyConfig(data: s.directory.appendingPathComponent("nope"))), ["no such file or folder"])
    }

    func testEpochOrderMatchesTheRecipeCheckValues() {
        XCTAssertEqual(EpochOrder.permutation(count: 10, epoch: 0), [6, 3, 2, 9, 8, 1, 4, 7, 0, 5])
        XCTAssertEqual(Array(EpochOrder.permutation(count: 18038, epoch: 0).prefix(8)), [15762, 11866, 9344, 3101, 1373, 11705, 13902, 16935])
        XCTAssertEqual(Array(EpochOrder.permutation(count: 9756, epoch: 0).prefix(8)), [5248, 5214, 8165, 1624, 4575, 8968, 2588, 687])
    }

    /// The classification recipe's (docs/recipes.md) split and vocabulary, on the real file set when it is present.
    func testNamesSplitMatchesTheRecipe() throws {
        guard let names = SharedData.file("names_by_language/names") else { throw XCTSkip("../shared/data/names_by_language is missing") }
        let data = try ClassificationData(examples: try LabelledExamples.read(names), source: names.path)
        XCTAssertEqual(data.labels.count, 18)
        XCTAssertEqual(data.labels.first, "Arabic")
        XCTAssertEqual(data.train.count, 18038)
        XCTAssertEqual(data.validation.count, 2012)
        let perClass = data.labels.map { l in data.validation.filter { $0.label == l }.count }
        XCTAssertEqual(perClass, [200, 27, 52, 30, 367, 28, 73, 21, 24, 71, 100, 10, 14, 8, 939, 10, 30, 8])
        let vocabulary = Vocabulary(specials: .padUnknown, training: data.train.map { Tokenization.char.tokenizer.tokens($0.text) })
        XCTAssertEqual(vocabulary.count, 88)
        XCTAssertEqual(data.validation.filter { vocabulary.encode(Tokenization.char.tokenizer.tokens($0.text)).unknown.count > 0 }.count, 0)
        XCTAssertEqual(data.train.filter { $0.text.hasSuffix(" ") }.count + data.validation.filter { $0.text.hasSuffix(" ") }.count, 10)
    }

    func testDefaultWordListsGiveSevenLanguagesOfLowerCaseWords() throws {
        guard WordListCorpus.lists.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) else {
            throw XCTSkip("the Debian word lists are not installed (make deps)")
        }
        let examples = try WordListCorpus.examples(perClass: 200)
        XCTAssertEqual(Set(examples.map(\.label)).count, 7)
        XCTAssertEqual(examples.count, 1400)
        XCTAssertTrue(examples.allSatisfy { $0.text == $0.text.lowercased() && $0.text.allSatisfy(\.isLetter) })
    }
}
