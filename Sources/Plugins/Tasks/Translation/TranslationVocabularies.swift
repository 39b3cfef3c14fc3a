import Foundation
import RecurKit

/// What a saved translation run needs besides its weights (`vocab.json`): both vocabularies
/// (``SpecialTokens/sequence`` layout, tokens in id order) and the longest sentences it was
/// trained on, which bound decoding and translate-time input.
public struct TranslationVocabularies: Codable, Equatable, Sendable {
    public var source: [String]
    public var target: [String]
    public var maxSourceLength: Int
    public var maxTargetLength: Int

    enum CodingKeys: String, CodingKey {
        case source, target
        case maxSourceLength = "max_source_length"
        case maxTargetLength = "max_target_length"
    }

    public init(corpus: TranslationCorpus) {
        source = corpus.sourceVocabulary.tokens
        target = corpus.targetVocabulary.tokens
        maxSourceLength = corpus.train.map(\.source.count).max() ?? 0
        maxTargetLength = corpus.train.map(\.target.count).max() ?? 0
    }

    public static func decode(_ data: Data, source name: String) throws -> TranslationVocabularies {
        do {
            let decoded = try JSONDecoder().decode(TranslationVocabularies.self, from: data)
            for (side, tokens) in [("source", decoded.source), ("target", decoded.target)] {
                _ = try Vocabulary.decode(tokens: tokens, specials: .sequence, source: "\(name) (\(side))")
            }
            for (side, tokens) in [("source", decoded.source), ("target", decoded.target)] {
                if let twice = firstDuplicate(tokens) { throw DataFileError(file: name, "the \(side) token \(twice.debugDescription) is listed twice") }
            }
            for (field, length) in [("max_source_length", decoded.maxSourceLength), ("max_target_length", decoded.maxTargetLength)]
            where !(0...(1 << 20)).contains(length) {
                throw DataFileError(file: name, "\(field) is \(length); it must be from 0 to \(1 << 20)")
            }
            return decoded
        } catch let error as DataFileError { throw error } catch {
            throw DataFileError(file: name, "not a translation vocabulary (expected {\"source\": [...], \"target\": [...], \"max_source_length\": n, \"max_target_length\": n}): \(error)")
        }
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }
}
