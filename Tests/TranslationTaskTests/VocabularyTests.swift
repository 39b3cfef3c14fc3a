import XCTest
@testable import TranslationTask

/// The vocabulary of one side of a translation model.
final class VocabularyTests: XCTestCase {
    func testVocabularyHasSpecialsThenTokensInByteOrder() {
        let v = TokenVocabulary(sentences: [["b", "é", "a", "B"], ["a", "z"]], minCount: 1)
        XCTAssertEqual(v.tokens, ["<pad>", "<bos>", "<eos>", "<unk>", "B", "a", "b", "z", "é"])
        XCTAssertEqual(v.id("nope"), TokenVocabulary.unk)
        XCTAssertEqual(TokenVocabulary(sentences: [["a", "a", "b"]], minCount: 2).tokens.count, 5)
    }
}
