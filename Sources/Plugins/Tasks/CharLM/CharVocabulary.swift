import Foundation
import RecurKit

/// The characters a char-lm knows: the sorted distinct Unicode scalars of the whole corpus
/// (RECIPES Task 1: tinyshakespeare gives 65, id 0 = "\n", id 1 = " ").
public struct CharVocabulary: Equatable, Sendable {
    public let characters: [Unicode.Scalar]
    private let index: [Unicode.Scalar: Int32]

    public init(corpus: [Unicode.Scalar]) { self.init(characters: Array(Set(corpus)).sorted { $0.value < $1.value }) }

    public init(characters: [Unicode.Scalar]) {
        self.characters = characters
        index = Dictionary(uniqueKeysWithValues: characters.enumerated().map { ($0.element, Int32($0.offset)) })
    }

    public var count: Int { characters.count }

    public func id(_ c: Unicode.Scalar) -> Int32? { index[c] }

    /// Ids of a text, or an error that names the first character the model has never seen.
    public func encode(_ text: [Unicode.Scalar], source: String) throws -> [Int32] {
        var line = 1, column = 1
        return try text.map { c in
            guard let id = index[c] else {
                throw DataFileError(file: source, "character \(describe(c)) at line \(line), column \(column) is not in the model's vocabulary of \(count) characters")
            }
            if c == "\n" { line += 1; column = 1 } else { column += 1 }
            return id
        }
    }

    /// `'x' (U+0078)`, with control characters escaped.
    public func describe(_ c: Unicode.Scalar) -> String {
        "'\(c.escaped(asASCII: false))' (U+\(String(format: "%04X", c.value)))"
    }

    /// vocab.json: a JSON array of one-character strings in id order.
    public func encoded() throws -> Data {
        try JSONSerialization.data(withJSONObject: characters.map { String($0) })
    }

    public static func decode(_ data: Data, source: String) throws -> CharVocabulary {
        guard let strings = try? JSONSerialization.jsonObject(with: data) as? [String],
              strings.allSatisfy({ $0.unicodeScalars.count == 1 }) else {
            throw DataFileError(file: source, "not a vocabulary (expected a JSON array of one-character strings)")
        }
        if let twice = firstDuplicate(strings) { throw DataFileError(file: source, "the character \(twice.debugDescription) is listed twice") }
        guard !strings.isEmpty else { throw DataFileError(file: source, "the vocabulary is empty") }
        return CharVocabulary(characters: strings.map { $0.unicodeScalars.first! })
    }
}
