import Foundation
import RecurKit

/// Token ids: `0 <pad>`, `1 <unk>`, then the distinct training tokens in code-point order
/// (RECIPES Task 3: 86 characters after the two specials for the names set).
public struct TokenVocabulary: Sendable, Equatable {
    public static let pad: Int32 = 0
    public static let unknown: Int32 = 1
    public static let specials = ["<pad>", "<unk>"]

    public let tokens: [String]
    private let index: [String: Int32]

    public init(training texts: [[String]]) {
        let distinct = Set(texts.joined()).subtracting(Self.specials)
        self.init(tokens: Self.specials + distinct.sorted(by: codePointLess))
    }

    init(tokens: [String]) {
        self.tokens = tokens
        index = Dictionary(tokens.enumerated().map { ($0.element, Int32($0.offset)) }) { first, _ in first }
    }

    public var count: Int { tokens.count }

    /// Ids, with every token outside the vocabulary read as `<unk>` and listed (once each).
    public func encode(_ tokens: [String]) -> (ids: [Int32], unknown: [String]) {
        var unknown: [String] = []
        let ids = tokens.map { token -> Int32 in
            if let id = index[token] { return id }
            if !unknown.contains(token) { unknown.append(token) }
            return Self.unknown
        }
        return (ids, unknown)
    }

    /// vocab.json: a JSON array of the tokens in id order.
    public func encoded() throws -> Data { try JSONSerialization.data(withJSONObject: tokens) }

    public static func decode(_ data: Data, source: String) throws -> TokenVocabulary {
        guard let tokens = try? JSONSerialization.jsonObject(with: data) as? [String],
              Array(tokens.prefix(2)) == specials else {
            throw DataFileError(file: source, "not a classification vocabulary (expected a JSON array of tokens starting \"<pad>\", \"<unk>\")")
        }
        if let twice = firstDuplicate(tokens) { throw DataFileError(file: source, "the token \(twice.debugDescription) is listed twice") }
        return TokenVocabulary(tokens: tokens)
    }
}
