import XCTest
@testable import RecurKit

/// The L2 size behind the step-by-step weight gradient's rule, read from a sysfs-like folder:
/// the level-2 entry whatever its index, sizes in K, M or bytes, and the fallback for anything
/// missing, malformed or implausible.
final class CoreCacheTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("core-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func entry(_ index: Int, level: String, type: String, size: String) throws {
        let directory = folder.appendingPathComponent("index\(index)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, value) in [("level", level), ("type", type), ("size", size)] {
            try (value + "\n").write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    func testSizes() {
        XCTAssertEqual(CoreCache.parseSize("1024K"), 1 << 20)
        XCTAssertEqual(CoreCache.parseSize("2M"), 2 << 20)
        XCTAssertEqual(CoreCache.parseSize("65536"), 65536)
        for bad in ["", "K", "-1K", "0K", "1.5M", "12G", "١٢K", "99999999999999999999K"] {
            XCTAssertNil(CoreCache.parseSize(bad), bad)
        }
    }

    func testTheLevelTwoEntryWhereverItIs() throws {
        try entry(0, level: "1", type: "Data", size: "32K")
        try entry(1, level: "1", type: "Instruction", size: "32K")
        try entry(2, level: "2", type: "Unified", size: "1024K")
        try entry(3, level: "3", type: "Unified", size: "32768K")
        XCTAssertEqual(CoreCache.level2Bytes(cacheDirectory: folder.path), 1 << 20)
    }

    func testFallbacks() throws {
        XCTAssertEqual(CoreCache.level2Bytes(cacheDirectory: folder.appendingPathComponent("missing").path), CoreCache.fallbackLevel2Bytes)
        try entry(0, level: "2", type: "Unified", size: "lots")
        XCTAssertEqual(CoreCache.level2Bytes(cacheDirectory: folder.path), CoreCache.fallbackLevel2Bytes, "unreadable size")
        try entry(0, level: "2", type: "Unified", size: "16K")
        XCTAssertEqual(CoreCache.level2Bytes(cacheDirectory: folder.path), CoreCache.fallbackLevel2Bytes, "implausibly small")
        try entry(0, level: "2", type: "Instruction", size: "2048K")
        XCTAssertEqual(CoreCache.level2Bytes(cacheDirectory: folder.path), CoreCache.fallbackLevel2Bytes, "not a data cache")
    }
}
