import Foundation
import RecurKit

/// The tokens one side of a translation model knows: `0 <pad>, 1 <bos>, 2 <eos>, 3 <unk>`, then
/// every training token seen at least `minCount` times, in UTF-8 byte order (RECIPES Task 2:
/// English 2,751 ids and French 4,209 on the eng→fra split).
public struct TokenVocabulary: Equatable, Sendable {
    public static let pad: Int32 = 0, bos: Int32 = 1, eos: Int32 = 2, unk: Int32 = 3
    public static let specials = ["<pad>", "<bos>", "<eos>", "<unk>"]

    public let tokens: [String]
    private let index: [String: Int32]

    public init(tokens: [String]) {
        self.tokens = tokens
        index = Dictionary(tokens.enumerated().map { ($0.element, Int32($0.offset)) }) { first, _ in first }
    }

    /// Built from training sentences.
    public init(sentences: [[String]], minCount: Int) {
        var counts: [String: Int] = [:]
        for sentence in sentences { for token in sentence { counts[token, default: 0] += 1 } }
        let kept = counts.filter { $0.value >= minCount && !TokenVocabulary.specials.contains($0.key) }.keys
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        self.init(tokens: TokenVocabulary.specials + kept)
    }

    public var count: Int { tokens.count }

    public func id(_ token: String) -> Int32 { index[token] ?? TokenVocabulary.unk }
    public func contains(_ token: String) -> Bool { index[token] != nil }
    public func ids(_ sentence: [String]) -> [Int32] { sentence.map(id) }
    public func token(_ id: Int32) -> String { tokens[Int(id)] }
}
