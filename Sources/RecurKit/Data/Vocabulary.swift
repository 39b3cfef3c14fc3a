import Foundation

/// Tokens and their ids: the ``SpecialTokens`` of a layout first, at their fixed ids, then the
/// known tokens in Unicode code-point order (Python's `sorted`, which is also UTF-8 byte order).
///
/// `vocab.json` is a JSON array of every token in id order, specials included — the format
/// every run and bundle has stored, for each layout.
public struct Vocabulary: Sendable, Equatable {
    public let specials: SpecialTokens
    /// Every token, in id order.
    public let tokens: [String]
    private let index: [String: Int32]

    /// A vocabulary of exactly `tokens` (in id order), which must begin with the layout's names.
    public init(specials: SpecialTokens, tokens: [String]) {
        precondition(Array(tokens.prefix(specials.tokens.count)) == specials.names,
                     "Vocabulary: \(tokens.prefix(specials.tokens.count)) do not begin with \(specials.names)")
        self.specials = specials
        self.tokens = tokens
        index = Dictionary(tokens.enumerated().map { ($0.element, Int32($0.offset)) }) { first, _ in first }
    }

    /// The specials, then every training token seen at least `minCount` times, by code point. A
    /// training token spelled like one of the layout's specials is that special.
    public init(specials: SpecialTokens, training sequences: [[String]], minCount: Int = 1) {
        var counts: [String: Int] = [:]
        for sequence in sequences { for token in sequence { counts[token, default: 0] += 1 } }
        let reserved = Set(specials.names)
        let kept = counts.filter { $0.value >= minCount && !reserved.contains($0.key) }.keys
            .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) { $0.value < $1.value } }
        self.init(specials: specials, tokens: specials.names + kept)
    }

    public var count: Int { tokens.count }

    /// The id of a special token of this vocabulary's layout.
    public func id(_ special: SpecialToken) -> Int32 { specials.id(special) }

    /// The id of `token`, or `nil` when it is not in the vocabulary.
    public func id(_ token: String) -> Int32? { index[token] }

    public func contains(_ token: String) -> Bool { index[token] != nil }

    public func token(_ id: Int32) -> String { tokens[Int(id)] }

    /// Ids, with every token outside the vocabulary read as `<unk>` (which the layout must have)
    /// and listed once each, in order of appearance.
    public func encode(_ tokens: [String]) -> (ids: [Int32], unknown: [String]) {
        let unknownID = id(.unknown)
        var unknown: [String] = []
        let ids = tokens.map { token -> Int32 in
            if let id = index[token] { return id }
            if !unknown.contains(token) { unknown.append(token) }
            return unknownID
        }
        return (ids, unknown)
    }

    /// ``encode(_:)`` without the list of unknown tokens.
    public func ids(_ tokens: [String]) -> [Int32] {
        let unknownID = id(.unknown)
        return tokens.map { index[$0] ?? unknownID }
    }

    /// vocab.json: a JSON array of the tokens in id order.
    public func encoded() throws -> Data { try JSONSerialization.data(withJSONObject: tokens) }

    /// Reads ``encoded()``; `source` names the file in errors.
    public static func decode(_ data: Data, specials: SpecialTokens, source: String) throws -> Vocabulary {
        guard let tokens = try? JSONSerialization.jsonObject(with: data) as? [String] else {
            throw DataFileError(file: source, "not a vocabulary (expected a JSON array of tokens\(specials.tokens.isEmpty ? "" : " starting \(quoted(specials))"))")
        }
        return try decode(tokens: tokens, specials: specials, source: source)
    }

    /// A vocabulary from saved tokens, checked to begin with the layout's specials.
    public static func decode(tokens: [String], specials: SpecialTokens, source: String) throws -> Vocabulary {
        guard Array(tokens.prefix(specials.tokens.count)) == specials.names else {
            throw DataFileError(file: source, "not a vocabulary of this task: it must start with \(quoted(specials)), found \(quoted(Array(tokens.prefix(specials.tokens.count))))")
        }
        // A stranger's file: a repeated token would make two ids for one text.
        if let twice = firstDuplicate(tokens) { throw DataFileError(file: source, "the token \(twice.debugDescription) is listed twice") }
        guard tokens.count > specials.tokens.count else { throw DataFileError(file: source, "the vocabulary is empty") }
        return Vocabulary(specials: specials, tokens: tokens)
    }

    private static func quoted(_ specials: SpecialTokens) -> String { quoted(specials.names) }
    private static func quoted(_ names: [String]) -> String { names.map { "\"\($0)\"" }.joined(separator: ", ") }
}
