import Foundation
import XCTest
@testable import RecurBundle
import RecurKit

/// Every way a stranger's bundle can be malicious or broken is refused, with a clear message,
/// before anything is used or written.
final class HostileBundleTests: XCTestCase {
    var fixture: BundleFixture!
    var good: [(name: String, data: Data)] = []

    override func setUpWithError() throws {
        fixture = try BundleFixture()
        good = try fixture.bundle().members()
    }

    func refused(_ archive: CraftedArchive, limits: ArchiveLimits = ArchiveLimits()) -> String {
        do { _ = try RunBundle(data: archive.bytes(), source: "evil.recur", limits: limits); return "accepted" } catch { return "\(error)" }
    }

    func archive(_ transform: (inout [CraftedArchive.Entry]) -> Void) -> CraftedArchive {
        var a = CraftedArchive()
        a.entries = good.map { CraftedArchive.Entry(name: $0.name, data: $0.data) }
        transform(&a.entries)
        return a
    }

    func testTheUntamperedArchiveIsAccepted() {
        XCTAssertEqual(refused(archive { _ in }), "accepted")
    }

    func testAbsolutePath() {
        XCTAssertEqual(refused(archive { $0.append(.init(name: "/etc/passwd", data: Data("x".utf8))) }),
                       "evil.recur: member '/etc/passwd' has an absolute path")
    }

    func testDotDot() {
        XCTAssertEqual(refused(archive { $0.append(.init(name: "../escape", data: Data("x".utf8))) }),
                       "evil.recur: member '../escape' climbs out of the bundle with '..'")
        XCTAssertEqual(refused(archive { $0.append(.init(name: "sub/../../x", data: Data("x".utf8))) }),
                       "evil.recur: member 'sub/../../x' climbs out of the bundle with '..'")
    }

    func testNestedPath() {
        XCTAssertEqual(refused(archive { $0.append(.init(name: "sub/file", data: Data("x".utf8))) }),
                       "evil.recur: member 'sub/file' is not a plain file name; bundles are flat")
    }

    func testSymlinkHardlinkDirectoryDevice() {
        XCTAssertEqual(refused(archive { $0.append(.init(name: "link", kind: .symlink("/tmp"))) }),
                       "evil.recur: member 'link' is a symbolic link; bundles hold regular files only")
        XCTAssertEqual(refused(archive { $0.append(.init(name: "hard", kind: .hardlink("weights.safetensors"))) }),
                       "evil.recur: member 'hard' is a hard link; bundles hold regular files only")
        // libarchive names directories "dir/", which the flat-name rule refuses first.
        XCTAssertEqual(refused(archive { $0.append(.init(name: "dir", kind: .directory)) }),
                       "evil.recur: member 'dir/' is not a plain file name; bundles are flat")
        XCTAssertTrue(refused(archive { $0.append(.init(name: "tty", kind: .characterDevice)) }).contains("member 'tty' is not a regular file"))
    }

    func testDuplicateName() {
        XCTAssertEqual(refused(archive { $0.append($0[1]) }), "evil.recur: member 'weights.safetensors' appears twice")
    }

    func testUnknownMember() {
        XCTAssertEqual(refused(archive { $0.append(.init(name: "payload.sh", data: Data("rm -rf ~".utf8))) }),
                       "evil.recur: member 'payload.sh' is not listed in the manifest")
    }

    func testAlteredMemberFailsItsChecksum() {
        XCTAssertEqual(refused(archive { e in
            var d = e[1].data
            d[d.count - 1] ^= 0xFF
            e[1].data = d
        }), "evil.recur: member 'weights.safetensors' fails its SHA-256 check (the file was altered or damaged)")
    }

    func testMissingMember() {
        XCTAssertEqual(refused(archive { $0.removeAll { $0.name == "trainer.json" } }),
                       "evil.recur: member 'trainer.json' listed in the manifest is missing")
    }

    /// Adds `name` to the archive and lists it in the manifest (first entry) with `size`, or its
    /// true size, and its true checksum.
    static func list(_ name: String, _ data: Data, size: Int? = nil, declaredSize: Int? = nil, in entries: inout [CraftedArchive.Entry]) {
        var manifest = try! JSONSerialization.jsonObject(with: entries[0].data) as! [String: Any]
        var members = manifest["members"] as! [String: Any]
        members[name] = ["size": size ?? data.count, "sha256": SHA256.hex(data)]
        manifest["members"] = members
        entries[0].data = try! JSONSerialization.data(withJSONObject: manifest)
        entries.append(.init(name: name, data: data, declaredSize: declaredSize))
    }

    func testOversizedMemberAndDecompressionBomb() {
        let limits = ArchiveLimits(member: 4096, total: 1 << 30)
        XCTAssertEqual(refused(archive { Self.list("big", Data(count: 10_000), in: &$0) }, limits: limits),
                       "evil.recur: member 'big' is 10000 bytes, over the 4096-byte limit per member")
        // 64 MB of zeros compress to a few KB: what the manifest lists is refused before any of it expands.
        let bomb = archive { Self.list("zeros", Data(count: 64 << 20), in: &$0) }
        let bytes = bomb.bytes()
        XCTAssertLessThan(bytes.count, 1 << 20)
        XCTAssertEqual(refused(bomb), "evil.recur: members would expand to more than \(64 << 20) bytes from a \(bytes.count)-byte bundle (a decompression bomb?)")
        XCTAssertTrue(refused(bomb, limits: ArchiveLimits(member: 1 << 30, total: 16 << 20)).contains("decompression bomb"))
        // The same bytes listed as small: the header's size is compared with the manifest's before reading.
        XCTAssertEqual(refused(archive { Self.list("zeros", Data(count: 64 << 20), size: 10, in: &$0) }),
                       "evil.recur: member 'zeros' is \(64 << 20) bytes, the manifest says 10")
        // A manifest that claims absurd sizes is refused from its numbers alone.
        XCTAssertTrue(refused(archive { Self.list("huge", Data(), size: 1 << 40, declaredSize: 0, in: &$0) })
            .contains("member 'huge' is \(1 << 40) bytes, over the"))
        XCTAssertTrue(refused(archive { Self.list("huge", Data(), size: Int.max, declaredSize: 0, in: &$0) })
            .contains("lists member 'huge' without a whole, non-negative size"))
        // Nothing may come before the manifest, which is what every later size is checked against.
        XCTAssertEqual(refused(archive { $0.insert(.init(name: "zeros", data: Data(count: 64 << 20)), at: 0) }),
                       "evil.recur: the first member is 'zeros', not manifest.json; not a Recur bundle, or one written by something else")
        XCTAssertTrue(refused(archive { $0[0].data = Data(count: 2 << 20) }).contains("manifest.json is 2097152 bytes, over the 1048576-byte limit"))
    }

    func testTruncatedArchive() {
        let bytes = archive { _ in }.bytes()
        for cut in [bytes.count / 2, bytes.count - 10] {
            let message: String
            do { _ = try RunBundle(data: bytes.prefix(cut), source: "evil.recur"); message = "accepted" } catch { message = "\(error)" }
            XCTAssertTrue(message.hasPrefix("evil.recur: ") && message.contains("truncated"), message)
        }
    }

    func testSafetensorsWithOverlappingOffsetsIsRefusedEvenWithAValidChecksum() throws {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        var weights = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { weights.append(contentsOf: $0) }
        weights.append(Data(header.utf8))
        weights.append(Data(count: 12))
        let message = refused(archive { e in
            e[1].data = weights
            var manifest = try! JSONSerialization.jsonObject(with: e[0].data) as! [String: Any]
            var members = manifest["members"] as! [String: Any]
            members["weights.safetensors"] = ["size": weights.count, "sha256": SHA256.hex(weights)]
            manifest["members"] = members
            e[0].data = try! JSONSerialization.data(withJSONObject: manifest)
        })
        XCTAssertTrue(message.contains("overlap"), message)
    }

    func testGzipBundlesAreReadToo() {
        var a = archive { _ in }
        a.zstd = false
        XCTAssertEqual(refused(a), "accepted")
    }

    func testNewerFormatIsRefusedWithAdvice() {
        let message = refused(archive { e in
            var manifest = try! JSONSerialization.jsonObject(with: e[0].data) as! [String: Any]
            manifest["format_version"] = 99
            e[0].data = try! JSONSerialization.data(withJSONObject: manifest)
        })
        XCTAssertEqual(message, "evil.recur: bundle format 99 is newer than this Recur reads (2); upgrade Recur")
    }
}
