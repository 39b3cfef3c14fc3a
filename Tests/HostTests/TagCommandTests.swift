import Foundation
import XCTest

/// `recur tag` and `recur predict` on a tagging run: token, tag and probability per line, or JSON;
/// a run of another task is refused.
final class TagCommandTests: HostTestCase {
    func testTagsTextsAsTableAndJSON() throws {
        let lines = (0..<40).map { $0 % 2 == 0 ? "we met ann\tO O B-PER" : "in rome now\tO B-LOC O" }
        let data = try write("toy.tsv", lines.joined(separator: "\n") + "\n")
        let trained = try recur(["run", "tagging", "--hidden", "8", "--embedding", "4", "--batch", "4", "--steps", "3",
                                 "--eval-every", "3", "--crf", "true", "--data", data.path, "--run-dir", path("tag")])
        XCTAssertEqual(trained.status, 0, "\(trained)")
        XCTAssertTrue(exists("tag/confusion.txt") && exists("tag/entities.txt") && exists("tag/tags.json"), "\(trained)")
        XCTAssertTrue(trained.stdout.contains("tag scheme: BIO"), "\(trained)")

        let table = try recur(["tag", path("tag"), "we met zed"])
        XCTAssertEqual(table.status, 0, "\(table)")
        let rows = table.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        XCTAssertEqual(rows.map { String($0[0]) }, ["we", "met", "zed"], "\(table)")
        for row in rows {
            XCTAssertTrue(["O", "B-PER", "B-LOC"].contains(String(row[1])), "\(table)")
            let p = try XCTUnwrap(Double(row[2]))
            XCTAssertTrue(p > 0 && p <= 1, "\(table)")
        }
        XCTAssertTrue(table.stderr.contains("'zed'"), "unknown words are named: \(table)")

        let file = try write("in.txt", "in rome\nwe met ann\n")
        let json = try recur(["tag", path("tag"), "--input", file.path, "--json"])
        XCTAssertEqual(json.status, 0, "\(json)")
        let objects = try json.stdout.split(separator: "\n").map { try jsonObject(String($0)) }
        XCTAssertEqual(objects.map { $0["tokens"] as? [String] }, [["in", "rome"], ["we", "met", "ann"]])
        XCTAssertEqual(objects.map { ($0["tags"] as? [String])?.count }, [2, 3])
        XCTAssertEqual(objects[0]["decoding"] as? String, "viterbi")

        let predict = try recur(["predict", path("tag"), "in rome", "--json"])
        XCTAssertEqual(try jsonObject(predict.stdout)["tags"] as? [String], objects[0]["tags"] as? [String], "\(predict)")
    }

    func testRefusesARunOfAnotherTask() throws {
        let run = try trainTinyRun("lm", data: try corpus())
        assertUserError(try recur(["tag", run.path, "the cat"]), contains: ["does not tag words"])
        assertUsageError(try recur(["tag", run.path]), contains: ["give either a TEXT argument or --input FILE"])
    }
}
