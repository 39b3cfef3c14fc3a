import Foundation
import RecurKit
import XCTest

/// The one vocabulary: special ids per layout, code-point order, `<unk>`, and vocab.json as every
/// task has saved it.
final class VocabularyTests: XCTestCase {
    func testSpecialIdsAreFixedPerLayout() {
        XCTAssertEqual(SpecialTokens.padUnknown.names, ["<pad>", "<unk>"])
        XCTAssertEqual([SpecialTokens.padUnknown.id(.pad), SpecialTokens.padUnknown.id(.unknown)], [0, 1])
        XCTAssertEqual(SpecialTokens.sequence.names, ["<pad>", "<bos>", "<eos>", "<unk>"])
        XCTAssertEqual([.pad, .bos, .eos, .unknown].map(SpecialTokens.sequence.id), [0, 1, 2, 3])
        XCTAssertFalse(SpecialTokens.padUnknown.contains(.eos))
        XCTAssertTrue(SpecialTokens.none.tokens.isEmpty)
    }

    func testSpecialsThenTrainingTokensInCodePointOrder() {
        let v = Vocabulary(specials: .padUnknown, training: [["b", "a", "é"], ["Z", "a", "<unk>"]])
        XCTAssertEqual(v.tokens, ["<pad>", "<unk>", "Z", "a", "b", "é"], "a token spelled <unk> is <unk>")
        let s = Vocabulary(specials: .sequence, training: [["b", "é", "a", "B"], ["a", "z", "𝄞", "ｚ"]])
        XCTAssertEqual(s.tokens, ["<pad>", "<bos>", "<eos>", "<unk>", "B", "a", "b", "z", "é", "ｚ", "𝄞"],
                       "code-point order, which is UTF-8 byte order (not UTF-16 order: 𝄞 is last)")
    }

    func testMinCountDropsRareTokens() {
        XCTAssertEqual(Vocabulary(specials: .sequence, training: [["a", "a", "b"]], minCount: 2).tokens, ["<pad>", "<bos>", "<eos>", "<unk>", "a"])
    }

    func testUnknownTokensReadAsUnkAndAreListedOnce() {
        let v = Vocabulary(specials: .padUnknown, training: [["b", "a", "é"]])
        XCTAssertEqual(v.encode(["a", "q", "q", "é"]).ids, [2, 1, 1, 4])
        XCTAssertEqual(v.encode(["a", "q", "x", "q"]).unknown, ["q", "x"])
        let s = Vocabulary(specials: .sequence, training: [["a"]])
        XCTAssertEqual(s.ids(["a", "nope"]), [4, 3])
        XCTAssertNil(s.id("nope"))
        XCTAssertEqual(s.id(.eos), 2)
        XCTAssertEqual(s.token(4), "a")
    }

    func testVocabJSONRoundTripsAndIsAPlainArray() throws {
        for v in [Vocabulary(specials: .padUnknown, training: [["x", "é"]]), Vocabulary(specials: .sequence, training: [["y"]]),
                  Vocabulary(specials: .none, tokens: ["\n", " ", "a"])] {
            let data = try v.encoded()
            XCTAssertEqual(try JSONSerialization.jsonObject(with: data) as? [String], v.tokens)
            XCTAssertEqual(try Vocabulary.decode(data, specials: v.specials, source: "vocab.json"), v)
        }
    }

    func testSavedVocabulariesOfEveryTaskStillLoad() throws {
        // Byte for byte what classification and char-lm runs have written.
        let classification = try Vocabulary.decode(Data(#"["<pad>","<unk>"," ","A","é"]"#.utf8), specials: .padUnknown, source: "vocab.json")
        XCTAssertEqual(classification.id("é"), 4)
        let characters = try Vocabulary.decode(Data(#"["\n"," ","a"]"#.utf8), specials: .none, source: "vocab.json")
        XCTAssertEqual(characters.id("\n"), 0)
    }

    func testAVocabularyOfAnotherLayoutOrNotAnArrayIsRefused() {
        XCTAssertThrowsError(try Vocabulary.decode(Data(#"["<pad>","<bos>","<eos>","<unk>","a"]"#.utf8), specials: .padUnknown, source: "v.json")) {
            XCTAssertEqual("\($0)", "v.json: not a vocabulary of this task: it must start with \"<pad>\", \"<unk>\", found \"<pad>\", \"<bos>\"")
        }
        XCTAssertThrowsError(try Vocabulary.decode(Data(#"{"a": 1}"#.utf8), specials: .sequence, source: "v.json")) {
            XCTAssertTrue("\($0)".hasPrefix("v.json: not a vocabulary (expected a JSON array of tokens starting \"<pad>\""), "\($0)")
        }
    }
}
