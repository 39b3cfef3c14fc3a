import RecurKit
import XCTest

/// Every tokenizer, with the translation recipe's (docs/recipes.md) normalisation examples, and each one's way back to text.
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

    func testWhitespaceTokensAreRunsOfNonWhitespace() {
        XCTAssertEqual(Tokenizer.whitespace.tokens(" two  words\tthree\n"), ["two", "words", "three"])
        XCTAssertEqual(Tokenizer.whitespace.tokens("Don't stop."), ["Don't", "stop."])
        XCTAssertEqual(Tokenizer.whitespace.detokenize(["a", "b"]), "a b")
    }

    func testCharacterTokensKeepSpacesAsWrittenOrMarkThem() {
        let kept = Tokenizer.character(lowercase: false, spaces: .kept)
        XCTAssertEqual(kept.tokens(" Ab é "), [" ", "A", "b", " ", "é", " "])
        XCTAssertEqual(kept.tokens("e\u{301}"), ["e", "\u{301}"], "one token per Unicode scalar, not per grapheme")
        XCTAssertEqual(kept.detokenize(kept.tokens(" Ab c ")), " Ab c ")
        let marked = Tokenizer.character(lowercase: true, spaces: .marked)
        XCTAssertEqual(marked.tokens(" Ab c"), ["a", "b", Tokenizer.space, "c"])
        XCTAssertEqual(marked.detokenize(marked.tokens("ab c")), "ab c")
    }
}
