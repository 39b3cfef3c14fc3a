import Foundation
import XCTest
import CharLMTask
import RecurKit
import RecurTestSupport

/// word-lm's reading of a text and its vocabulary: word_language_model's `data.Corpus`
/// (whitespace-separated words, `<eos>` per line) with a frequency cap and `<unk>`.
final class WordTextTests: XCTestCase {
    func testEveryLineEndsInEOSAndAnEmptyLineIsALoneEOS() {
        XCTAssertEqual(WordText.tokens("To be,  or\tnot\n\nthat is".unicodeScalars),
                       ["To", "be,", "or", "not", "<eos>", "<eos>", "that", "is", "<eos>"])
        XCTAssertEqual(WordText.tokens("one line\n".unicodeScalars), ["one", "line", "<eos>"])
        XCTAssertEqual(WordText.tokens("  \n".unicodeScalars), ["<eos>"])
        XCTAssertEqual(WordText.tokens("".unicodeScalars), [])
    }

    /// Python's `line.split() + ['<eos>']` for every line of a file, as data.Corpus reads it.
    func testMatchesWordLanguageModelOnTinyShakespeare() throws {
        guard let url = SharedData.file("tinyshakespeare/input.txt") else {
            throw XCTSkip("../shared/data/tinyshakespeare/input.txt is missing")
        }
        let text = try TextFile.scalars(url)
        let cut = text.count * 9 / 10
        XCTAssertEqual(cut, 1_003_854)
        // Counted with Python over the same split (RECIPES Task 1): `for line in f: line.split() + ['<eos>']`.
        let train = WordText.tokens(text[..<cut]), validation = WordText.tokens(text[cut...])
        XCTAssertEqual(train.count, 218_025)
        XCTAssertEqual(validation.count, 24_628)
        XCTAssertEqual(Set(train).count, 23_842)
        XCTAssertEqual(Array(train.prefix(4)), ["First", "Citizen:", "<eos>", "Before"])
        let capped = Vocabulary(words: train, maxSize: 10_000)
        XCTAssertEqual(capped.count, 10_000)
        let unknown = capped.ids(validation).filter { $0 == capped.id(.unknown) }.count
        XCTAssertEqual(Double(unknown) / Double(validation.count), 0.1301, accuracy: 0.0001)
    }

    func testTheCapKeepsTheMostFrequentWordsWithTiesByCodePoint() {
        let words = ["b", "a", "c", "c", "c", "b", "d", "<eos>", "<eos>", "<unk>"]
        let vocabulary = Vocabulary(words: words, maxSize: 4)
        // Counts c 3, b 2, a 1, d 1 (the literal <eos> and <unk> are the specials): two words fit.
        XCTAssertEqual(vocabulary.tokens, ["<eos>", "<unk>", "b", "c"])
        XCTAssertEqual(Vocabulary(words: words, maxSize: 5).tokens, ["<eos>", "<unk>", "a", "b", "c"])
        XCTAssertEqual(Vocabulary(words: words, maxSize: 0).tokens, ["<eos>", "<unk>", "a", "b", "c", "d"])
        XCTAssertEqual(vocabulary.ids(["c", "a", "<eos>", "<unk>", "zebra"]), [3, 1, 0, 1, 1])
    }
}
