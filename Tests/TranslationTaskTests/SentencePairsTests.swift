import CArchive
import Foundation
import RecurKit
import RecurTestSupport
import XCTest
@testable import TranslationTask

/// Reading pairs: TSV lines, the errors for bad lines (file and line named), zip members.
final class SentencePairsTests: XCTestCase {
    func lines(_ text: String) -> LineReader { LineReader(bytes: Array(text.utf8), file: "p.tsv") }

    func testParsesPairsSkipsBlankLinesAndIgnoresAttributionColumns() throws {
        let pairs = try SentencePairs.parse(lines("Go.\tVa !\tCC-BY 2.0\n\nHi.\tSalut !\r\n"))
        XCTAssertEqual(pairs, [SentencePair(source: "Go.", target: "Va !", line: 1), SentencePair(source: "Hi.", target: "Salut !", line: 3)])
    }

    func testLineWithoutTabNamesFileAndLine() {
        XCTAssertThrowsError(try SentencePairs.parse(lines("a\tb\nno tab here\n"))) { error in
            XCTAssertEqual("\(error)", "p.tsv: line 2 has no tab; each line must be `source<TAB>target`: \"no tab here\"")
        }
    }

    func testEmptySidesAreErrors() {
        XCTAssertThrowsError(try SentencePairs.parse(lines("a\tb\n\tb\n"))) { error in
            XCTAssertEqual("\(error)", "p.tsv: line 2: the source side (before the tab) is empty")
        }
        XCTAssertThrowsError(try SentencePairs.parse(lines("a\t  \n"))) { error in
            XCTAssertEqual("\(error)", "p.tsv: line 1: the target side (after the tab) is empty")
        }
        XCTAssertThrowsError(try SentencePairs.parse(lines("\n\n"))) { error in
            XCTAssertTrue("\(error)".contains("has no sentence pairs"), "\(error)")
        }
    }

    func testReadsAZipMemberAndListsMembersWhenOneIsMissing() throws {
        let zip = FileManager.default.temporaryDirectory.appendingPathComponent("recur-pairs-\(UUID().uuidString).zip")
        defer { try? FileManager.default.removeItem(at: zip) }
        try writeZip(zip, members: ["_about.txt": "about", "fra.txt": "Hi.\tSalut !\nRun!\tCours !\n"])
        let pairs = try SentencePairs.load(zip, member: nil)
        XCTAssertEqual(pairs.map(\.target), ["Salut !", "Cours !"])
        XCTAssertEqual(try SentencePairs.load(zip, member: "fra.txt").count, 2)
        XCTAssertThrowsError(try SentencePairs.load(zip, member: "deu.txt")) { error in
            XCTAssertTrue("\(error)".hasSuffix("has no member 'deu.txt'; its members are: _about.txt, fra.txt"), "\(error)")
        }
    }

    func testRecipeDataKeeps10840PairsWithTheRecipeVocabularies() throws {
        guard let zip = SharedData.file("eng_fra_manythings/fra-eng.zip") else {
            throw XCTSkip("../shared/data/eng_fra_manythings/fra-eng.zip is missing")
        }
        let pairs = try SentencePairs.load(zip, member: "fra.txt")
        XCTAssertEqual(pairs.count, 142_787)
        var config = RunConfig(task: "translation", stack: StackConfig(cell: "gru", hiddenSize: 8))
        config.taskOptions = try TranslationPlugin.descriptor.resolveOptions(["normalize": "tutorial", "prefixes": "tutorial", "max-len": "9"])
        let corpus = try TranslationCorpus(pairs: pairs, valid: nil, options: try TranslationOptions(config.taskOptions), file: zip.path)
        XCTAssertEqual(corpus.train.count, 9_756)
        XCTAssertEqual(corpus.test.count, 1_084)
        XCTAssertEqual(corpus.sourceVocabulary.count, 2_751)
        XCTAssertEqual(corpus.targetVocabulary.count, 4_209)
        XCTAssertEqual(corpus.test[0].sourceTokens, ["i", "m", "."])
        XCTAssertEqual(corpus.test[0].targetTokens, ["j", "ai", "ans", "."])
        XCTAssertEqual(corpus.test.flatMap(\.source).filter { $0 == SpecialTokens.sequence.id(.unknown) }.count, 95)
    }

    private func writeZip(_ url: URL, members: [String: String]) throws {
        let archive = archive_write_new()
        defer { archive_write_free(archive) }
        archive_write_set_format_zip(archive)
        XCTAssertEqual(archive_write_open_filename(archive, url.path), ARCHIVE_OK)
        for name in members.keys.sorted() {
            let bytes = Array(members[name]!.utf8)
            let entry = archive_entry_new()
            archive_entry_set_pathname(entry, name)
            archive_entry_set_filetype(entry, CA_IFREG)
            archive_entry_set_perm(entry, 0o644)
            archive_entry_set_size(entry, Int64(bytes.count))
            archive_write_header(archive, entry)
            _ = bytes.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
            archive_entry_free(entry)
        }
        archive_write_close(archive)
    }
}


