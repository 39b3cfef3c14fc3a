import Foundation
import RecurKit

/// A run's tagged sentences split for training and validation, and where they came from.
struct TaggingData {
    var train: [TaggedSentence]
    var validation: [TaggedSentence]
    /// `--data`'s path, or the default data's description.
    var source: String

    /// `--data` (or the default data) and `--valid`; without `--valid` the k-th sentence is
    /// validation when k % 10 == 0 (the first included).
    static func load(_ config: RunConfig, _ options: TaggingOptions) throws -> TaggingData {
        let all: [TaggedSentence]
        if let path = config.data {
            all = try TaggedFile.read(URL(fileURLWithPath: path), format: options.format, tagColumn: options.tagColumn)
        } else {
            all = try PunctuationCorpus.sentences(limit: options.sentences, maxLength: options.maxLength)
        }
        let given = try options.validation.map { try TaggedFile.read(URL(fileURLWithPath: $0), format: options.format, tagColumn: options.tagColumn) }
        for sentence in all + (given ?? []) where sentence.tokens.count > options.maxLength {
            throw DataFileError(file: sentence.place, "a sentence of \(sentence.tokens.count) tokens is longer than --max-length \(options.maxLength); raise --max-length or split it")
        }
        let source = config.data ?? PunctuationCorpus.description
        if let given { return TaggingData(train: all, validation: given, source: source) }
        let train = all.enumerated().filter { $0.offset % 10 != 0 }.map(\.element)
        let validation = all.enumerated().filter { $0.offset % 10 == 0 }.map(\.element)
        guard !train.isEmpty else {
            throw DataFileError(file: source, "\(all.count) sentence\(all.count == 1 ? "" : "s") leave none for training after every 10th is set aside for validation; add sentences or give --valid FILE")
        }
        return TaggingData(train: train, validation: validation, source: source)
    }

    /// Every tag of both splits, by code point: the tag set is the data's, so a tag seen only in
    /// validation is still a class the model has (it just has no training example).
    var tags: [String] {
        Set((train + validation).flatMap(\.tags)).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) { $0.value < $1.value } }
    }
}
