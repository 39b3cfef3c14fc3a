import Foundation
import RecurKit

/// char-lm's use of ``Vocabulary``: one token per Unicode scalar and no special tokens, since
/// the vocabulary is the corpus's own closed alphabet (docs/recipes.md, char-lm: the sorted distinct
/// characters of the whole file; tinyshakespeare gives 65, id 0 = "\n", id 1 = " ").
extension Vocabulary {
    /// The sorted distinct scalars of `corpus`.
    public init(corpus: [Unicode.Scalar]) {
        self.init(specials: .none, tokens: Set(corpus).sorted { $0.value < $1.value }.map { String($0) })
    }

    /// A saved char-lm vocabulary: a JSON array of one-character strings.
    public static func characters(decoding data: Data, source: String) throws -> Vocabulary {
        let vocabulary = try Vocabulary.decode(data, specials: .none, source: source)
        guard vocabulary.tokens.allSatisfy({ $0.unicodeScalars.count == 1 }) else {
            throw DataFileError(file: source, "not a character vocabulary (expected a JSON array of one-character strings)")
        }
        return vocabulary
    }

    /// Ids of a text, or an error that names the first character the model has never seen.
    public func ids(ofCharacters text: [Unicode.Scalar], source: String) throws -> [Int32] {
        // Keyed by scalar rather than String: a corpus is millions of lookups.
        let index = Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ($0.element.unicodeScalars.first!, Int32($0.offset)) })
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
    private func describe(_ c: Unicode.Scalar) -> String {
        "'\(c.escaped(asASCII: false))' (U+\(String(format: "%04X", c.value)))"
    }
}
