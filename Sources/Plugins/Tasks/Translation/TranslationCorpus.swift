import Foundation
import RecurKit

/// A tokenised sentence pair with its ids.
public struct EncodedPair: Sendable {
    public var sourceTokens: [String]
    public var targetTokens: [String]
    public var source: [Int32]
    public var target: [Int32]
}

/// The task's data, in the order docs/recipes.md, translation fixes: read the pairs, tokenise, keep those
/// that pass `--prefixes` and `--max-len` (in file order), test = kept pair i with i % 10 == 0
/// unless `--valid` names a file, vocabularies from the training split only.
public struct TranslationCorpus: Sendable {
    public let train: [EncodedPair]
    public let test: [EncodedPair]
    public let sourceVocabulary: Vocabulary
    public let targetVocabulary: Vocabulary

    public init(pairs: [SentencePair], valid: [SentencePair]?,
                options: TranslationOptions, file: String) throws {
        let kept = TranslationCorpus.tokenised(pairs, options: options)
        var trainTokens: [([String], [String])] = [], testTokens: [([String], [String])] = []
        if let valid {
            trainTokens = kept
            testTokens = TranslationCorpus.tokenised(valid, options: options)
        } else {
            for (i, pair) in kept.enumerated() {
                if i % 10 == 0 { testTokens.append(pair) } else { trainTokens.append(pair) }
            }
        }
        guard !trainTokens.isEmpty else {
            throw DataFileError(file: file, "no training pairs are left after filtering (\(pairs.count) read; --max-len \(options.maxLength), --prefixes \(options.tutorialPrefixes ? "tutorial" : "none"))")
        }
        guard !testTokens.isEmpty else {
            throw DataFileError(file: file, "no test pairs: with \(kept.count) kept pair(s) and no --valid file the test split (every 10th pair) is empty")
        }
        let sourceVocabulary = Vocabulary(specials: .sequence, training: trainTokens.map(\.0), minCount: options.minCount)
        let targetVocabulary = Vocabulary(specials: .sequence, training: trainTokens.map(\.1), minCount: options.minCount)
        self.init(train: trainTokens, test: testTokens, source: sourceVocabulary, target: targetVocabulary)
    }

    public init(train: [([String], [String])], test: [([String], [String])], source: Vocabulary, target: Vocabulary) {
        func encode(_ pair: ([String], [String])) -> EncodedPair {
            EncodedPair(sourceTokens: pair.0, targetTokens: pair.1, source: source.ids(pair.0), target: target.ids(pair.1))
        }
        self.train = train.map(encode)
        self.test = test.map(encode)
        sourceVocabulary = source
        targetVocabulary = target
    }

    /// Tokenised pairs that pass the filters, in file order.
    static func tokenised(_ pairs: [SentencePair], options: TranslationOptions) -> [([String], [String])] {
        // The source-side tests run first: on eng→fra they reject 92% of the pairs, whose
        // targets then need no tokenising.
        pairs.compactMap { pair in
            let source = options.tokenizer.tokens(pair.source)
            if options.maxLength > 0 && source.count > options.maxLength { return nil }
            if options.tutorialPrefixes {
                let joined = source.joined(separator: " ")
                guard TranslationOptions.prefixes.contains(where: { joined.hasPrefix($0) }) else { return nil }
            }
            let target = options.tokenizer.tokens(pair.target)
            if options.maxLength > 0 && target.count > options.maxLength { return nil }
            return (source, target)
        }
    }
}
