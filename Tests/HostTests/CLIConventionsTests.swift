import Foundation
import XCTest

/// Conventions every command follows: `--version`, `--json` where a command reports something,
/// long spellings for short options, and paths in JSON written as they are.
final class CLIConventionsTests: HostTestCase {
    func testVersionJSONAndLongOptions() throws {
        let version = try recur(["--version"])
        XCTAssertEqual(version.status, 0, "\(version)")
        XCTAssertTrue(version.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, version.stdout)

        let run = try trainTinyRun("lm", data: try corpus())
        let sample = try recur(["sample", run.path, "--prime", "to", "--length", "5", "--json"])
        XCTAssertEqual(sample.status, 0, "\(sample)")
        XCTAssertEqual((try jsonObject(sample.stdout)["text"] as? String)?.unicodeScalars.count, 7, sample.stdout)

        let bundle = work.appendingPathComponent("lm.recur")
        let export = try recur(["export", run.path, "--output", bundle.path, "--json"])
        XCTAssertEqual(export.status, 0, "\(export)")
        XCTAssertEqual(try jsonObject(export.stdout)["bundle"] as? String, bundle.path)
        XCTAssertFalse(export.stdout.contains("\\/"), "paths are written as they are: \(export.stdout)")

        let page = work.appendingPathComponent("page.html")
        let report = try recur(["report", run.path, "--output", page.path])
        XCTAssertEqual(report.status, 0, "\(report)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: page.path))
    }
}
