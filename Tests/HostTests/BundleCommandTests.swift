import Foundation
import XCTest

/// export → inspect → sample/eval/resume straight from the bundle → import; and --init-from.
final class BundleCommandTests: HostTestCase {
    func testExportInspectUseAndImport() throws {
        let data = try corpus()
        let run = try trainTinyRun("source", data: data, extra: ["--steps": "6"])
        let bundle = work.appendingPathComponent("shared.recur")
        let export = try recur(["export", run.path, "-o", bundle.path])
        XCTAssertEqual(export.status, 0, "\(export)")

        let inspect = try recur(["inspect", bundle.path, "--json"])
        XCTAssertEqual(inspect.status, 0, "\(inspect)")
        let manifest = try jsonObject(inspect.stdout)
        XCTAssertEqual(manifest["verified"] as? Bool, true)
        XCTAssertEqual(manifest["step"] as? Int, 6)
        XCTAssertEqual((manifest["cell"] as? [String: Any])?["name"] as? String, "lstm")
        let names = (manifest["parameters"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        XCTAssertTrue(names.contains("rnn.weight_hh_l0") && names.contains("encoder.weight"), "\(names)")
        XCTAssertTrue(try recur(["inspect", bundle.path]).stdout.contains("verified: all 5 members match"))

        let fromBundle = try recur(["eval", bundle.path, "--data", data.path, "--json"])
        let fromRun = try recur(["eval", run.path, "--data", data.path, "--json"])
        XCTAssertEqual(try double(try jsonObject(fromBundle.stdout), "eval_loss"), try double(try jsonObject(fromRun.stdout), "eval_loss"))
        let sampleA = try recur(["sample", bundle.path, "--length", "20", "--seed", "4"])
        let sampleB = try recur(["sample", run.path, "--length", "20", "--seed", "4"])
        XCTAssertEqual(sampleA.status, 0, "\(sampleA)")
        XCTAssertEqual(sampleA.stdout, sampleB.stdout)

        let resumed = try recur(["resume", bundle.path, "--data", data.path, "--steps", "8", "--run-dir", path("resumed")])
        XCTAssertEqual(resumed.status, 0, "\(resumed)")
        XCTAssertEqual(try stepLosses(work.appendingPathComponent("resumed")).keys.max(), 8)

        let imported = try recur(["import", bundle.path, "--into", path("library")])
        XCTAssertEqual(imported.status, 0, "\(imported)")
        XCTAssertTrue(exists("library/shared/checkpoint.safetensors"))
        let again = try recur(["import", bundle.path, "--into", path("library")])
        assertUserError(again, contains: ["already exists"])
    }

    func testTamperedBundleIsRefusedEverywhere() throws {
        let run = try trainTinyRun("source", data: try corpus())
        let bundle = work.appendingPathComponent("b.recur")
        XCTAssertEqual(try recur(["export", run.path, "-o", bundle.path]).status, 0)
        var bytes = try Data(contentsOf: bundle)
        bytes[bytes.count / 2] ^= 0x55
        try bytes.write(to: bundle)
        let inspect = try recur(["inspect", bundle.path])
        XCTAssertEqual(inspect.status, 1)
        XCTAssertTrue(inspect.stdout.contains("verification FAILED"), "\(inspect)")
        assertUserError(try recur(["import", bundle.path, "--into", path("lib")]), contains: [bundle.path])
        XCTAssertFalse(exists("lib/b"), "nothing may be written for a bundle that fails verification")
    }

    func testInitFromLoadsWeightsOnlyAndChecksShapes() throws {
        let data = try corpus()
        let source = try trainTinyRun("source", data: data, extra: ["--steps": "30", "--lr": "0.03"])
        let fresh = try trainTinyRun("fresh", data: data, extra: ["--steps": "1", "--log-every": "1"])
        let warm = try recur(["run", "char-lm"] + Self.tiny(["--steps": "1", "--log-every": "1"])
                             + ["--data", data.path, "--run-dir", path("warm"), "--init-from", source.path])
        XCTAssertEqual(warm.status, 0, "\(warm)")
        let warmLoss = try XCTUnwrap(try stepLosses(work.appendingPathComponent("warm"))[1])
        let freshLoss = try XCTUnwrap(try stepLosses(fresh)[1])
        XCTAssertLessThan(warmLoss, freshLoss, "a trained start must begin with a lower loss")
        let mismatch = try recur(["run", "char-lm"] + Self.tiny(["--hidden": "12"])
                                 + ["--data", data.path, "--run-dir", path("bad"), "--init-from", source.path])
        assertUserError(mismatch, contains: ["--init-from", "shape"])
    }
}
