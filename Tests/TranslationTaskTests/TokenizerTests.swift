import XCTest
@testable import TranslationTask

/// The three tokenisations, with RECIPES Task 2's normalisation examples.
final class TokenizerTests: XCTestCase {
    func testTutorialNormalisationMatchesTheRecipeExamples() {
        XCTAssertEqual(Tokenizer.tutorial.tokens("I'm 19."), ["i", "m", "."])
        XCTAssertEqual(Tokenizer.tutorial.tokens("Ça va ?"), ["ca", "va", "?"])
        XCTAssertEqual(Tokenizer.tutorial.tokens("C'est ma sœur."), ["c", "est", "ma", "s", "ur", "."])
        XCTAssertEqual(Tokenizer.tutorial.tokens("J'ai 19 ans."), ["j", "ai", "ans", "."])
        XCTAssertEqual(Tokenizer.tutorial.tokens("Arrête\u{202F}!  «Non»..."), ["arrete", "!", "non", ".", ".", "."])
        XCTAssertEqual(Tokenizer.tutorial.tokens("123"), [])
    }

    func testWordTokensSplitPunctuationAndLowerCase() {
        XCTAssertEqual(Tokenizer.word(lowercase: true).tokens("Tuesday, March 14th 1987"), ["tuesday", ",", "march", "14th", "1987"])
        XCTAssertEqual(Tokenizer.word(lowercase: false).tokens("It's 3/14!"), ["It", "'", "s", "3", "/", "14", "!"])
        XCTAssertEqual(Tokenizer.word(lowercase: true).tokens("  Élan  vital "), ["élan", "vital"])
        XCTAssertEqual(Tokenizer.word(lowercase: true).detokenize(["1987", "-", "03"]), "1987 - 03")
    }

    func testCharacterTokensKeepSpacesVisible() {
        let t = Tokenizer.character(lowercase: true)
        XCTAssertEqual(t.tokens(" Ab c"), ["a", "b", Tokenizer.space, "c"])
        XCTAssertEqual(t.detokenize(t.tokens("ab c")), "ab c")
    }

    func testVocabularyHasSpecialsThenTokensInByteOrder() {
        let v = TokenVocabulary(sentences: [["b", "é", "a", "B"], ["a", "z"]], minCount: 1)
        XCTAssertEqual(v.tokens, ["<pad>", "<bos>", "<eos>", "<unk>", "B", "a", "b", "z", "é"])
        XCTAssertEqual(v.id("nope"), TokenVocabulary.unk)
        XCTAssertEqual(TokenVocabulary(sentences: [["a", "a", "b"]], minCount: 2).tokens.count, 5)
    }
}
