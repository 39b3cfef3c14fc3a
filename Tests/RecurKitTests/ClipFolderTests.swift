import Foundation
import RecurKit
import RecurTestSupport
import XCTest

/// A user's clip folder: one subfolder of numbered frames per clip, clips.tsv for captions and
/// optionally frame_labels.tsv; every bad row refused with the file and line.
final class ClipFolderTests: XCTestCase {
    var scratch: Scratch!
    var folder: URL { scratch.directory }
    var clipsTSV: String { folder.appendingPathComponent("clips.tsv").path }
    var labelsTSV: String { folder.appendingPathComponent("frame_labels.tsv").path }
    override func setUpWithError() throws { scratch = try Scratch() }
    override func tearDown() { scratch = nil }

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "succeeded" } catch { return "\(error)" }
    }

    /// A grey frame whose level tells which one it is.
    func frame(_ name: String, level: Float, height: Int = 2, width: Int = 2) throws {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Image(height: height, width: width, pixels: [Float](repeating: level, count: 3 * height * width)).writePNG(to: url)
    }

    func clipsError() -> String {
        message { _ = try Clip.readFolder(self.folder, height: 2, width: 2) }
    }

    /// For each (contents, message): `table` holding those contents makes reading fail with that message.
    func assertRefusals(_ table: String, _ cases: [(contents: String, message: String)], file: StaticString = #filePath, line: UInt = #line) throws {
        for (contents, expected) in cases {
            try scratch.write(table, contents)
            XCTAssertEqual(clipsError(), expected, file: file, line: line)
        }
    }

    func testFramesInNumericOrderCaptionsAndLabels() throws {
        try frame("walk/10.png", level: 1)
        try frame("walk/2.png", level: 0.6)
        try frame("walk/0001.png", level: 0.2)
        try frame("jump/0001.png", level: 0, height: 4, width: 6)
        try scratch.write("walk/notes.txt", "not a frame")
        try scratch.write("unlisted/0001.png", "a subfolder clips.tsv does not name is not read")
        try scratch.write("clips.tsv", "walk\tThe square moves right.\njump\ta circle jumps\nwalk\tit walks\n")
        try scratch.write("frame_labels.tsv", "jump\tup\nwalk\tstill  moving-right moving-right\n")
        let clips = try Clip.readFolder(folder, height: 3, width: 3)
        XCTAssertEqual(clips.map(\.name), ["walk", "jump"])
        XCTAssertEqual(clips.map(\.captions), [["the square moves right", "it walks"], ["a circle jumps"]])
        XCTAssertEqual(clips.map(\.frameLabels), [["still", "moving-right", "moving-right"], ["up"]])
        XCTAssertEqual(clips[0].frames.map { $0.pixels[0] }, [51, 153, 255].map { $0 / 255 }, "0001, 2, 10")
        XCTAssertTrue(clips.flatMap(\.frames).allSatisfy { [$0.channels, $0.height, $0.width] == [3, 3, 3] })
    }

    func testWithoutFrameLabelsEveryClipHasNone() throws {
        try frame("a/1.png", level: 0.5)
        try scratch.write("clips.tsv", "a\tgrey\n")
        XCTAssertEqual(try Clip.readFolder(folder, height: 2, width: 2).map(\.frameLabels), [[]])
    }

    func testBadClipsAreNamedAtTheirLine() throws {
        try frame("a/1.png", level: 0.5)
        try frame("a/2.png", level: 0.5)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("empty"), withIntermediateDirectories: true)
        try scratch.write("empty/readme.txt", "no frames here")
        try assertRefusals("clips.tsv", [
            ("a\tgrey\nempty\tnothing\n",
             "\(clipsTSV):2: clip 'empty' has no frames; expected numbered PNG files (0001.png, 0002.png, …) in \(folder.path)/empty"),
            ("a\tgrey\tgrey\n", "\(clipsTSV):1: 3 tab-separated columns where 2 are expected: clip<TAB>caption"),
            ("a\t!\n", "\(clipsTSV):1: the caption of clip 'a' is empty"),
            ("a\tgrey\nb\tmissing\n", "\(clipsTSV):2: unknown clip 'b': no such file in \(folder.path)"),
            ("../a\tgrey\n", "\(clipsTSV):1: clip '../a' contains '..'; clips must be inside \(folder.path)"),
            ("a/1.png\tgrey\n", "\(clipsTSV):1: clip 'a/1.png' is not a folder of frames (\(folder.path)/a/1.png)"),
        ])
    }

    func testBadFramesAreNamed() throws {
        try scratch.write("clips.tsv", "a\tgrey\n")
        try frame("a/1.png", level: 0.5)
        try frame("a/2.png", level: 0.5, height: 3, width: 2)
        XCTAssertEqual(clipsError(), "\(clipsTSV):1: clip 'a': frame 2.png is 2 × 3 but 1.png is 2 × 2; all frames of a clip must be one size")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("a/2.png"))
        let broken = try scratch.write("a/2.png", "not a png")
        XCTAssertEqual(clipsError(), "\(clipsTSV):1: \(broken.path): not a PNG file (it does not start with the PNG signature)")
        try FileManager.default.removeItem(at: broken)
        try frame("a/cover.png", level: 0)
        XCTAssertEqual(clipsError(), "\(clipsTSV):1: clip 'a': frame file cover.png is not numbered; name frames 0001.png, 0002.png, … in time order")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("a/cover.png"))
        try frame("a/01.png", level: 0)
        XCTAssertEqual(clipsError(), "\(clipsTSV):1: clip 'a': 01.png and 1.png are both frame 1")
    }

    func testFrameLabelsMustMatchTheClips() throws {
        try frame("a/1.png", level: 0.5)
        try frame("a/2.png", level: 0.5)
        try frame("b/1.png", level: 0.5)
        try scratch.write("clips.tsv", "a\tgrey\nb\tgrey too\n")
        try assertRefusals("frame_labels.tsv", [
            ("b\tstill\na\tstill\n", "\(labelsTSV):2: clip 'a' has 2 frames but 1 label; give one label per frame"),
            ("a\tstill still\nc\tstill\n", "\(labelsTSV):2: unknown clip 'c': clips.tsv has no line for it"),
            ("a\tstill still\na\tstill still\n", "\(labelsTSV):2: clip 'a' already has its frame labels on an earlier line"),
            ("a\tstill still\n", "\(labelsTSV): no line for clip 'b'; when frame_labels.tsv exists, every clip of clips.tsv needs its labels"),
            ("a\tstill\tstill\n", "\(labelsTSV):1: 3 tab-separated columns where 2 are expected: clip<TAB>label label … (one label per frame)"),
        ])
    }

    func testAMissingClipsTableIsNamed() throws {
        XCTAssertEqual(clipsError(), "\(folder.path): no clips.tsv in the folder; it should hold lines clip<TAB>caption")
    }
}
