import Foundation
import RecurTestSupport
import RecurKit
@testable import TaggingTask
import XCTest

/// The two file layouts, their refusals, and the default data made from the Jargon File.
final class DataTests: XCTestCase {
    func testReadsCoNLLSkippingDocstartAndExtraColumns() throws {
        let s = try Scratch()
        let url = try s.write("a.conll", "-DOCSTART- -X- O\n\nEU\tNNP\tB-ORG\nrejects\tVBZ\tO\n\n\nPeter\tNNP\tB-PER\n")
        let sentences = try TaggedFile.read(url, format: .auto)
        XCTAssertEqual(sentences.map(\.tokens), [["EU", "rejects"], ["Peter"]])
        XCTAssertEqual(sentences.map(\.tags), [["NNP", "VBZ"], ["NNP"]], "column 2 by default; further columns ignored")
        XCTAssertEqual(try TaggedFile.read(url, format: .conll, tagColumn: 3).map(\.tags), [["B-ORG", "O"], ["B-PER"]])
        XCTAssertEqual(sentences[1].place, "\(url.path):7")
        // CoNLL-2003 as distributed: space-separated columns.
        let spaced = try s.write("b.conll", "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\n")
        XCTAssertEqual(try TaggedFile.read(spaced, format: .auto, tagColumn: 4).map(\.tags), [["B-ORG", "O"]])
    }

    func testReadsTSVSentences() throws {
        let s = try Scratch()
        let url = try s.write("a.tsv", "the cat sat\tDT NN VB\n\nhi\tUH\n")
        let sentences = try TaggedFile.read(url, format: .auto)
        XCTAssertEqual(sentences.map(\.tokens), [["the", "cat", "sat"], ["hi"]])
        XCTAssertEqual(sentences.map(\.tags), [["DT", "NN", "VB"], ["UH"]])
    }

    func testRefusesBadLinesNamingFileAndLine() throws {
        let s = try Scratch()
        let short = try s.write("short.conll", "EU\tB-ORG\nrejects\n")
        XCTAssertThrowsMessage(try TaggedFile.read(short, format: .conll), ["short.conll:2", "column 2", "found 1 column"])
        XCTAssertThrowsMessage(try TaggedFile.read(try s.write("c.conll", "EU\tB-ORG\n"), format: .conll, tagColumn: 3),
                               ["c.conll:1", "column 3 (--tag-column)"])
        let unequal = try s.write("u.tsv", "a b\tX Y\nthe cat sat\tDT NN\n")
        XCTAssertThrowsMessage(try TaggedFile.read(unequal, format: .tsv), ["u.tsv:2", "3 tokens but 2 tags"])
        let noTab = try s.write("n.tsv", "a b\tX Y\njust words here\n")
        XCTAssertThrowsMessage(try TaggedFile.read(noTab, format: .tsv), ["n.tsv:2", "no tab"])
        XCTAssertThrowsMessage(try TaggedFile.read(try s.write("e.conll", "\n-DOCSTART- O\n\n"), format: .auto), ["e.conll", "no tagged sentences"])
    }

    func testPunctuationCorpusTagsCaseAndFollowingPunctuation() throws {
        let text = [":gobble: vt.", "", "To consume, usu.: used with ‘up’. “The output spy gobbles",
                    "characters out of a {tty} buffer.” IBM said: NO!", "", "Table of Contents", ""].joined(separator: "\n")
        let lines = try LineReader(bytes: Array(text.utf8), file: "j").lines()
        let sentences = PunctuationCorpus.sentences(lines, file: "j", limit: 10, maxLength: 100)
        XCTAssertEqual(sentences.map(\.tokens), [
            ["to", "consume", "usu", "used", "with", "up"],
            ["the", "output", "spy", "gobbles", "characters", "out", "of", "a", "tty", "buffer"],
            ["ibm", "said", "no"],
        ])
        XCTAssertEqual(sentences[0].tags, ["cap_none", "lower_comma", "lower_colon", "lower_none", "lower_none", "lower_period"])
        XCTAssertEqual(sentences[1].tags.last, "lower_period")
        XCTAssertEqual(sentences[2].tags, ["upper_none", "lower_colon", "upper_exclamation"])
        XCTAssertEqual(sentences[0].place, "j:3")
        XCTAssertEqual(PunctuationCorpus.restore(tokens: sentences[2].tokens, tags: sentences[2].tags), "IBM said: NO!")
        XCTAssertNil(PunctuationCorpus.restore(tokens: ["eu"], tags: ["B-ORG"]))
        XCTAssertEqual(PunctuationCorpus.sentences(lines, file: "j", limit: 2, maxLength: 100).count, 2)
        XCTAssertEqual(PunctuationCorpus.sentences(lines, file: "j", limit: 10, maxLength: 5).count, 1, "longer sentences skipped")
    }

    func testDefaultDataIsTheJargonFileSplitEveryTenthSentence() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: PunctuationCorpus.path), "jargon-text is not installed (make deps)")
        var config = try tinyConfig(data: nil, options: ["sentences": "200"])
        config.data = nil
        let options = try TaggingOptions(config.taskOptions)
        let data = try TaggingData.load(config, options)
        XCTAssertEqual(data.train.count, 180)
        XCTAssertEqual(data.validation.count, 20)
        XCTAssertTrue(data.tags.allSatisfy { PunctuationCorpus.restore(tokens: ["x"], tags: [$0]) != nil }, "\(data.tags)")
        XCTAssertTrue(data.tags.contains("lower_none") && data.tags.contains("lower_period") && data.tags.contains("cap_none"))
        XCTAssertEqual(try TaggingData.load(config, options).validation, data.validation, "deterministic")
    }
}
